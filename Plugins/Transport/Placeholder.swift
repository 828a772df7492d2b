// Shared libcurl transport for plugins (being moved here from Plugins/http/Client).
import ETLPluginKit
