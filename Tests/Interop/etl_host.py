"""ctypes bindings to libETLHost.so, the runtime's embedding API (Runtime/ETLHost/etl_host.h).

Arrow structs cross as raw memory: an ArrowArrayStream is five pointers (40 bytes), which
pyarrow fills or reads through `_export_to_c` / `_import_from_c`.
"""
import ctypes
import os

PACKAGE_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_DIR = os.environ.get("ETL_BUILD_DIR") or os.path.join(PACKAGE_ROOT, ".build", "debug")
ARROW_ARRAY_STREAM_SIZE = 40
ERROR_CAPACITY = 2048


class HostError(Exception):
    def __init__(self, status, message):
        super().__init__(f"status {status}: {message}")
        self.status = status
        self.message = message


def _load():
    lib = ctypes.CDLL(os.path.join(BUILD_DIR, "libETLHost.so"))
    c_str = ctypes.c_char_p
    lib.etl_host_read_source.argtypes = [c_str, c_str, c_str, c_str, c_str, ctypes.c_int64,
                                         ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.etl_host_read_source.restype = ctypes.c_int32
    lib.etl_host_write_sink.argtypes = [c_str, c_str, c_str, c_str, c_str, c_str, ctypes.c_void_p, c_str,
                                        ctypes.POINTER(ctypes.c_int64), ctypes.c_char_p, ctypes.c_size_t]
    lib.etl_host_write_sink.restype = ctypes.c_int32
    return lib


_lib = _load()


def _b(text):
    return None if text is None else text.encode()


def read_source(plugin, config, stream, state=None, batch_size=1000, plugin_dirs=BUILD_DIR):
    """Reads a source plugin's stream into a pyarrow RecordBatchReader (C Stream Interface)."""
    import pyarrow as pa
    out = ctypes.create_string_buffer(ARROW_ARRAY_STREAM_SIZE)
    error = ctypes.create_string_buffer(ERROR_CAPACITY)
    status = _lib.etl_host_read_source(_b(plugin_dirs), _b(plugin), _b(config), _b(stream), _b(state),
                                       batch_size, ctypes.addressof(out), error, ERROR_CAPACITY)
    if status != 0:
        raise HostError(status, error.value.decode())
    return pa.RecordBatchReader._import_from_c(ctypes.addressof(out))


def write_sink(plugin, config, target, write_mode, reader, entry_id="interop", state=None, plugin_dirs=BUILD_DIR):
    """Moves a pyarrow RecordBatchReader into a sink plugin; returns the rows it committed."""
    stream = ctypes.create_string_buffer(ARROW_ARRAY_STREAM_SIZE)
    reader._export_to_c(ctypes.addressof(stream))
    rows = ctypes.c_int64(0)
    error = ctypes.create_string_buffer(ERROR_CAPACITY)
    status = _lib.etl_host_write_sink(_b(plugin_dirs), _b(plugin), _b(config), _b(entry_id), _b(target),
                                      _b(write_mode), ctypes.addressof(stream), _b(state), ctypes.byref(rows),
                                      error, ERROR_CAPACITY)
    if status != 0:
        raise HostError(status, error.value.decode())
    return rows.value
