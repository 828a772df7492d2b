//! `calendar`: an etl-runtime source plugin in Rust, with no crates — the FFI is written by hand
//! against `etl_plugin.h` (see `ffi.rs`).
//!
//! One stream, `days`: a row per day from `config.from` for `config.days` days, with columns
//! `day` (date32), `weekday` (utf8, "Monday"...) and `weekend` (bool). Incremental: the resume
//! state `{"next": k}` is the index of the next day, so raising `days` later loads only the new
//! ones. It reads its config with the host's `config_get_*` (plugin ABI 1.1), builds batches with
//! the host's batch builder, and honours `batch_size`, `max_records` and cancellation.

mod calendar;
mod ffi;

use ffi::*;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr::{null, null_mut};

/// One instance: its config and, while a stream is open, where the stream stands.
struct Calendar {
    host: *const etl_host_api,           // [host-owned] valid for the life of the process
    context: *mut etl_host_instance,     // [host-owned] valid until destroy returns
    first_day: i32,                      // config.from, in days since 1970-01-01
    days: i64,                           // config.days
    next: i64,                           // index of the next day to emit
    batch_size: i64,
    left: i64,                           // rows max_records still allows; -1 = no limit
    builder: *mut etl_batch_builder,     // [owned through the host] from read to release
    state: CString,                      // the checkpoint; valid until the next call
    last_error: CString,                 // for get_last_error
}

impl Calendar {
    /// The host's table. Not tied to a borrow of `self`: it outlives every instance.
    fn host<'a>(&self) -> &'a etl_host_api {
        unsafe { &*self.host }
    }
}

/// Writes `message` into the caller's `etl_error` (through the host's `set_error`) and returns
/// `code`, so that failing reads `return fail(...)`.
unsafe fn fail(host: *const etl_host_api, error: *mut etl_error, code: etl_status, message: &str) -> etl_status {
    let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
    if let Some(set_error) = (*host).set_error {
        set_error(error, code, text.as_ptr());
    }
    code
}

fn c(text: &'static [u8]) -> *const c_char {
    text.as_ptr().cast()
}

// ---- Config, through the host's readers (ABI 1.1) -------------------------------------------

/// The string at `key` of the JSON object `json`, or None when absent. The host's copy is freed
/// with its `free_string` once copied into a Rust String.
unsafe fn config_string(host: &etl_host_api, json: *const c_char, key: &'static [u8], error: *mut etl_error)
    -> Result<Option<String>, etl_status> {
    let mut value: *mut c_char = null_mut();
    let status = host.config_get_string.unwrap()(json, c(key), &mut value, error);
    if status != ETL_OK {
        return Err(status);
    }
    if value.is_null() {
        return Ok(None);
    }
    let text = CStr::from_ptr(value).to_string_lossy().into_owned();
    host.free_string.unwrap()(value);
    Ok(Some(text))
}

/// The integer at `key`, or `default` when absent.
unsafe fn config_int(host: &etl_host_api, json: *const c_char, key: &'static [u8], default: i64,
                     error: *mut etl_error) -> Result<i64, etl_status> {
    let mut value = default;
    match host.config_get_int64.unwrap()(json, c(key), &mut value, error) {
        ETL_OK => Ok(value),
        status => Err(status),
    }
}

// ---- The source API --------------------------------------------------------------------------

unsafe extern "C" fn create(host: *const etl_host_api, context: *mut etl_host_instance, config: *const c_char,
                            out: *mut *mut c_void, error: *mut etl_error) -> etl_status {
    let api = &*host;
    // The schema makes both keys required and checks their form; the plugin checks again.
    let from = match config_string(api, config, b"from\0", error) {
        Ok(Some(text)) => text,
        Ok(None) => return fail(host, error, ETL_INVALID_CONFIG, "calendar: config.from is required, e.g. \"2024-01-01\""),
        Err(status) => return status,
    };
    let Some(first_day) = calendar::days_from_date(&from) else {
        return fail(host, error, ETL_INVALID_CONFIG,
                    &format!("calendar: config.from must be a date written YYYY-MM-DD, got {from:?}"));
    };
    let days = match config_int(api, config, b"days\0", -1, error) {
        Ok(days) if (0..=1_000_000).contains(&days) => days,
        Ok(_) => return fail(host, error, ETL_INVALID_CONFIG, "calendar: config.days must be an integer from 0 to 1000000"),
        Err(status) => return status,
    };
    let instance = Box::new(Calendar {
        host, context, first_day, days, next: 0, batch_size: 1, left: -1, builder: null_mut(),
        state: CString::new("{\"next\": 0}").unwrap(), last_error: CString::default(),
    });
    *out = Box::into_raw(instance).cast();
    ETL_OK
}

unsafe extern "C" fn destroy(instance: *mut c_void) {
    let calendar = Box::from_raw(instance.cast::<Calendar>());
    if !calendar.builder.is_null() {
        calendar.host().batch_free.unwrap()(calendar.builder);
    }
}

/// Nothing to reach: the days are computed.
unsafe extern "C" fn check(_instance: *mut c_void, _error: *mut etl_error) -> etl_status {
    ETL_OK
}

unsafe extern "C" fn discover(_instance: *mut c_void, out: *mut ArrowSchema, _error: *mut etl_error) -> etl_status {
    out.write(schema::catalog());
    ETL_OK
}

unsafe extern "C" fn read(instance: *mut c_void, request: *const etl_read_request, out: *mut ArrowArrayStream,
                          error: *mut etl_error) -> etl_status {
    let calendar = &mut *instance.cast::<Calendar>();
    let request = &*request;
    let host = calendar.host;
    if CStr::from_ptr(request.stream).to_bytes() != b"days" {
        return fail(host, error, ETL_INVALID_CONFIG, "calendar: this source has one stream, \"days\"");
    }
    if !calendar.builder.is_null() {
        return fail(host, error, ETL_INTERNAL, "calendar: a stream is still open; release it before reading again");
    }
    // A NULL state and the JSON text `null` both mean: start at the first day.
    calendar.next = 0;
    if !request.state_json.is_null() {
        match config_int(calendar.host(), request.state_json, b"next\0", 0, error) {
            Ok(next) if next >= 0 => calendar.next = next,
            Ok(_) => return fail(host, error, ETL_INVALID_CONFIG, "calendar: state.next must be 0 or more; reset the state"),
            Err(status) => return status,
        }
    } else if !request.initial_value.is_null() {
        return fail(host, error, ETL_UNSUPPORTED,
                    "calendar: initial_value is not supported; set config.from to the first day instead");
    }
    let mut stream_schema = schema::stream(); // read by batch_begin, then released here
    let status = calendar.host().batch_begin.unwrap()(&stream_schema, request.batch_size, &mut calendar.builder, error);
    stream_schema.release.unwrap()(&mut stream_schema);
    if status != ETL_OK {
        return status;
    }
    calendar.batch_size = request.batch_size.max(1);
    calendar.left = if request.max_records > 0 { request.max_records } else { -1 }; // the host does not cut streams
    calendar.state = CString::new(format!("{{\"next\": {}}}", calendar.next)).unwrap();
    out.write(ArrowArrayStream {
        get_schema: Some(stream_get_schema),
        get_next: Some(stream_get_next),
        get_last_error: Some(stream_get_last_error),
        release: Some(stream_release),
        private_data: instance,
    });
    ETL_OK
}

unsafe extern "C" fn checkpoint(instance: *mut c_void, out: *mut *const c_char, _error: *mut etl_error) -> etl_status {
    *out = (*instance.cast::<Calendar>()).state.as_ptr();
    ETL_OK
}

// ---- The stream: callbacks return errno values, with the message in get_last_error -----------

unsafe extern "C" fn stream_get_schema(_stream: *mut ArrowArrayStream, out: *mut ArrowSchema) -> c_int {
    out.write(schema::stream());
    0
}

unsafe extern "C" fn stream_get_next(stream: *mut ArrowArrayStream, out: *mut ArrowArray) -> c_int {
    let calendar = &mut *(*stream).private_data.cast::<Calendar>();
    out.write(std::mem::zeroed()); // release == NULL: the end of the stream
    let host = calendar.host();
    if host.is_cancelled.unwrap()(calendar.context) != 0 {
        calendar.last_error = CString::new("calendar: cancelled by the host").unwrap();
        return libc_errno::ECANCELED;
    }
    let mut rows = 0;
    while rows < calendar.batch_size && calendar.left != 0 && calendar.next < calendar.days {
        let day = calendar.first_day + calendar.next as i32;
        let (name, weekend) = calendar::weekday(day);
        let builder = calendar.builder;
        let appended = host.append_date32.unwrap()(builder, 0, day) == ETL_OK
            && host.append_utf8.unwrap()(builder, 1, name.as_ptr().cast(), name.len() as i64) == ETL_OK
            && host.append_bool.unwrap()(builder, 2, weekend as i32) == ETL_OK;
        if !appended {
            let reason = CStr::from_ptr(host.batch_last_error.unwrap()(builder)).to_string_lossy();
            calendar.last_error = CString::new(format!("calendar: {reason}")).unwrap_or_default();
            return libc_errno::EINVAL;
        }
        calendar.next += 1;
        calendar.left -= 1;
        rows += 1;
    }
    if rows == 0 {
        return 0;
    }
    let mut error: etl_error = std::mem::zeroed();
    error.struct_size = std::mem::size_of::<etl_error>() as u32;
    if host.batch_finish.unwrap()(calendar.builder, out, &mut error) != ETL_OK {
        let reason = CStr::from_ptr(error.message.as_ptr()).to_string_lossy();
        calendar.last_error = CString::new(format!("calendar: {reason}")).unwrap_or_default();
        return libc_errno::EINVAL;
    }
    // The checkpoint: exactly after the rows returned so far.
    calendar.state = CString::new(format!("{{\"next\": {}}}", calendar.next)).unwrap();
    0
}

unsafe extern "C" fn stream_get_last_error(stream: *mut ArrowArrayStream) -> *const c_char {
    (*(*stream).private_data.cast::<Calendar>()).last_error.as_ptr()
}

unsafe extern "C" fn stream_release(stream: *mut ArrowArrayStream) {
    let calendar = &mut *(*stream).private_data.cast::<Calendar>();
    calendar.host().batch_free.unwrap()(calendar.builder);
    calendar.builder = null_mut();
    (*stream).release = None;
}

/// The errno values the stream returns (Linux); no `libc` crate needed for two numbers.
mod libc_errno {
    pub const EINVAL: i32 = 22;
    pub const ECANCELED: i32 = 125;
}

// ---- Schemas: one heap block per tree, freed by the root's release --------------------------

mod schema {
    use super::ffi::ArrowSchema;
    use std::ptr::{null, null_mut};

    /// Every node of a schema tree but its root; names and formats are static strings.
    struct Nodes {
        stream: ArrowSchema,
        columns: [ArrowSchema; 3],
        column_list: [*mut ArrowSchema; 3],
        stream_list: [*mut ArrowSchema; 1],
    }

    fn leaf(format: &'static [u8], name: &'static [u8]) -> ArrowSchema {
        ArrowSchema {
            format: format.as_ptr().cast(),
            name: name.as_ptr().cast(),
            metadata: null(),
            flags: 0,
            n_children: 0,
            children: null_mut(),
            dictionary: null_mut(),
            release: Some(release_child),
            private_data: null_mut(),
        }
    }

    /// A child's memory belongs to its root: releasing it only marks it released.
    unsafe extern "C" fn release_child(schema: *mut ArrowSchema) {
        (*schema).release = None;
    }

    unsafe extern "C" fn release_root(schema: *mut ArrowSchema) {
        drop(Box::from_raw((*schema).private_data.cast::<Nodes>()));
        (*schema).release = None;
    }

    /// The nodes, linked: the stream node's children are the columns. A Box's heap block never
    /// moves, so the pointers into it stay valid after the Box itself is moved.
    fn build() -> Box<Nodes> {
        let mut nodes = Box::new(Nodes {
            stream: leaf(b"+s\0", b"days\0"),
            columns: [leaf(b"tdD\0", b"day\0"), leaf(b"u\0", b"weekday\0"), leaf(b"b\0", b"weekend\0")],
            column_list: [null_mut(); 3],
            stream_list: [null_mut()],
        });
        for index in 0..3 {
            nodes.column_list[index] = &mut nodes.columns[index];
        }
        nodes.stream.n_children = 3;
        nodes.stream.children = nodes.column_list.as_mut_ptr();
        nodes.stream_list[0] = &mut nodes.stream;
        nodes
    }

    /// `top` as the root of the tree in `nodes`: its release frees them.
    fn root(nodes: Box<Nodes>, top: ArrowSchema) -> ArrowSchema {
        ArrowSchema { release: Some(release_root), private_data: Box::into_raw(nodes).cast(), ..top }
    }

    /// struct "days" { day: date32, weekday: utf8, weekend: bool }
    pub fn stream() -> ArrowSchema {
        let mut nodes = build();
        let top = ArrowSchema { n_children: 3, children: nodes.column_list.as_mut_ptr(), ..leaf(b"+s\0", b"days\0") };
        root(nodes, top)
    }

    /// The catalog discover returns: a struct with the stream as its one child.
    pub fn catalog() -> ArrowSchema {
        let mut nodes = build();
        let top = ArrowSchema { n_children: 1, children: nodes.stream_list.as_mut_ptr(), ..leaf(b"+s\0", b"\0") };
        root(nodes, top)
    }
}

// ---- The library ------------------------------------------------------------------------------

static SOURCE_API: Shared<etl_source_api> = Shared(etl_source_api {
    struct_size: std::mem::size_of::<etl_source_api>() as u32,
    create: Some(create),
    destroy: Some(destroy),
    check: Some(check),
    discover: Some(discover),
    read: Some(read),
    checkpoint: Some(checkpoint),
    create_with_descriptor: None, // one plugin type: `create` needs no descriptor
});

static DESCRIPTOR: Shared<etl_plugin_descriptor> = Shared(etl_plugin_descriptor {
    struct_size: std::mem::size_of::<etl_plugin_descriptor>() as u32,
    kind: ETL_KIND_SOURCE,
    name: b"calendar\0".as_ptr().cast(),
    version: b"1.0.0\0".as_ptr().cast(),
    description: b"One row per day from a start date (Rust example)\0".as_ptr().cast(),
    capabilities: ETL_CAP_INCREMENTAL | ETL_CAP_DISCOVER,
    config_schema_json: concat!(
        r#"{"type": "object", "required": ["from", "days"], "additionalProperties": false, "properties": {"#,
        r#""from": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "the first day"}, "#,
        r#""days": {"type": "integer", "minimum": 0, "maximum": 1000000, "description": "how many days"}}}"#,
        "\0"
    )
    .as_ptr()
    .cast(),
    source: &SOURCE_API.0,
    sink: null(),
    user_data: null_mut(),
});

static PLUGINS: Shared<[*const etl_plugin_descriptor; 1]> = Shared([&DESCRIPTOR.0]);

static LIBRARY: Shared<etl_plugin_library> = Shared(etl_plugin_library {
    struct_size: std::mem::size_of::<etl_plugin_library>() as u32,
    abi_major: ETL_PLUGIN_ABI_MAJOR,
    abi_minor: ETL_PLUGIN_ABI_MINOR,
    plugin_count: 1,
    plugins: &PLUGINS.0 as *const _ as *const *const etl_plugin_descriptor,
});

/// The one exported symbol. Refuses a host without the ABI 1.1 config readers by name.
#[no_mangle]
pub unsafe extern "C" fn etl_plugin_entry(host: *const etl_host_api, out_library: *mut *const etl_plugin_library,
                                          error: *mut etl_error) -> etl_status {
    if host.is_null() || out_library.is_null() {
        return ETL_INTERNAL;
    }
    if !has_field((*host).struct_size, HOST_API_SIZE_1_1) {
        return fail(host, error, ETL_UNSUPPORTED,
                    "calendar needs etl-runtime with plugin ABI 1.1 or later (config_get_*); upgrade etl-runtime");
    }
    *out_library = &LIBRARY.0;
    ETL_OK
}
