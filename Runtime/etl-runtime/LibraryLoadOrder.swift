// Linked for its place in the executable's list of libraries, not for any declaration: see
// Runtime/System/CLoaderOrder/module.modulemap.
import CLoaderOrder
