//! The parts of `SDK/include/etl_plugin.h` (plugin ABI 1.1) this plugin uses, written by hand.
//!
//! Every struct is `#[repr(C)]` with the header's fields in the header's order; function
//! pointers are `Option<unsafe extern "C" fn ...>` because C may leave them NULL. A struct the
//! host fills (the host API table, a read request) is only read as far as its `struct_size`
//! says: `has_field` below is the header's `ETL_HAS_FIELD`.

#![allow(non_camel_case_types, dead_code)]

use std::ffi::{c_char, c_int, c_void};
use std::mem::size_of;

pub type etl_status = i32;
pub const ETL_OK: etl_status = 0;
pub const ETL_INVALID_CONFIG: etl_status = 1;
pub const ETL_UNSUPPORTED: etl_status = 5;
pub const ETL_INTERNAL: etl_status = 6;

pub const ETL_PLUGIN_ABI_MAJOR: u16 = 1;
pub const ETL_PLUGIN_ABI_MINOR: u16 = 1;
pub const ETL_KIND_SOURCE: i32 = 1;
pub const ETL_CAP_INCREMENTAL: u64 = 0x01;
pub const ETL_CAP_DISCOVER: u64 = 0x80;
pub const ETL_ERROR_MESSAGE_CAPACITY: usize = 1024;

/// The Arrow C Data Interface, as the Arrow specification defines it.
#[repr(C)]
pub struct ArrowSchema {
    pub format: *const c_char,
    pub name: *const c_char,
    pub metadata: *const c_char,
    pub flags: i64,
    pub n_children: i64,
    pub children: *mut *mut ArrowSchema,
    pub dictionary: *mut ArrowSchema,
    pub release: Option<unsafe extern "C" fn(*mut ArrowSchema)>,
    pub private_data: *mut c_void,
}

#[repr(C)]
pub struct ArrowArray {
    pub length: i64,
    pub null_count: i64,
    pub offset: i64,
    pub n_buffers: i64,
    pub n_children: i64,
    pub buffers: *mut *const c_void,
    pub children: *mut *mut ArrowArray,
    pub dictionary: *mut ArrowArray,
    pub release: Option<unsafe extern "C" fn(*mut ArrowArray)>,
    pub private_data: *mut c_void,
}

#[repr(C)]
pub struct ArrowArrayStream {
    pub get_schema: Option<unsafe extern "C" fn(*mut ArrowArrayStream, *mut ArrowSchema) -> c_int>,
    pub get_next: Option<unsafe extern "C" fn(*mut ArrowArrayStream, *mut ArrowArray) -> c_int>,
    pub get_last_error: Option<unsafe extern "C" fn(*mut ArrowArrayStream) -> *const c_char>,
    pub release: Option<unsafe extern "C" fn(*mut ArrowArrayStream)>,
    pub private_data: *mut c_void,
}

#[repr(C)]
pub struct etl_error {
    pub struct_size: u32,
    pub code: etl_status,
    pub message: [c_char; ETL_ERROR_MESSAGE_CAPACITY],
}

/// Opaque handles of the host.
#[repr(C)]
pub struct etl_host_instance {
    _private: [u8; 0],
}
#[repr(C)]
pub struct etl_batch_builder {
    _private: [u8; 0],
}

type Builder = *mut etl_batch_builder;

#[repr(C)]
pub struct etl_host_api {
    pub struct_size: u32,
    pub abi_major: u16,
    pub abi_minor: u16,
    pub host_version: *const c_char,
    pub log: Option<unsafe extern "C" fn(*mut etl_host_instance, i32, *const c_char)>,
    pub is_cancelled: Option<unsafe extern "C" fn(*mut etl_host_instance) -> i32>,
    pub report_reject:
        Option<unsafe extern "C" fn(*mut etl_host_instance, *const c_char, *const c_char, i64, *const c_char)>,
    pub batch_begin:
        Option<unsafe extern "C" fn(*const ArrowSchema, i64, *mut Builder, *mut etl_error) -> etl_status>,
    pub append_null: Option<unsafe extern "C" fn(Builder, i32) -> etl_status>,
    pub append_bool: Option<unsafe extern "C" fn(Builder, i32, i32) -> etl_status>,
    pub append_int64: Option<unsafe extern "C" fn(Builder, i32, i64) -> etl_status>,
    pub append_double: Option<unsafe extern "C" fn(Builder, i32, f64) -> etl_status>,
    pub append_utf8: Option<unsafe extern "C" fn(Builder, i32, *const c_char, i64) -> etl_status>,
    pub append_binary: Option<unsafe extern "C" fn(Builder, i32, *const c_void, i64) -> etl_status>,
    pub append_timestamp_us: Option<unsafe extern "C" fn(Builder, i32, i64) -> etl_status>,
    pub append_date32: Option<unsafe extern "C" fn(Builder, i32, i32) -> etl_status>,
    pub batch_row_count: Option<unsafe extern "C" fn(*const etl_batch_builder) -> i64>,
    pub batch_byte_size: Option<unsafe extern "C" fn(*const etl_batch_builder) -> i64>,
    pub batch_finish: Option<unsafe extern "C" fn(Builder, *mut ArrowArray, *mut etl_error) -> etl_status>,
    pub batch_last_error: Option<unsafe extern "C" fn(*const etl_batch_builder) -> *const c_char>,
    pub batch_free: Option<unsafe extern "C" fn(Builder)>,
    pub set_error: Option<unsafe extern "C" fn(*mut etl_error, etl_status, *const c_char)>,
    // ---- ABI 1.1 ----
    pub config_get_string:
        Option<unsafe extern "C" fn(*const c_char, *const c_char, *mut *mut c_char, *mut etl_error) -> etl_status>,
    pub config_get_int64:
        Option<unsafe extern "C" fn(*const c_char, *const c_char, *mut i64, *mut etl_error) -> etl_status>,
    pub config_get_double:
        Option<unsafe extern "C" fn(*const c_char, *const c_char, *mut f64, *mut etl_error) -> etl_status>,
    pub config_get_bool:
        Option<unsafe extern "C" fn(*const c_char, *const c_char, *mut i32, *mut etl_error) -> etl_status>,
    pub config_get_length:
        Option<unsafe extern "C" fn(*const c_char, *const c_char, *mut i64, *mut etl_error) -> etl_status>,
    pub config_get_kind:
        Option<unsafe extern "C" fn(*const c_char, *const c_char, *mut i32, *mut etl_error) -> etl_status>,
    pub free_string: Option<unsafe extern "C" fn(*mut c_char)>,
}

#[repr(C)]
pub struct etl_read_request {
    pub struct_size: u32,
    pub entry_id: *const c_char,
    pub stream: *const c_char,
    pub state_json: *const c_char,
    pub cursor_field: *const c_char,
    pub initial_value: *const c_char,
    pub batch_size: i64,
    pub max_batch_bytes: i64,
    pub max_records: i64,
    pub options_json: *const c_char,
}

pub type CreateFn = unsafe extern "C" fn(
    *const etl_host_api,
    *mut etl_host_instance,
    *const c_char,
    *mut *mut c_void,
    *mut etl_error,
) -> etl_status;

pub type CreateWithDescriptorFn = unsafe extern "C" fn(
    *const etl_plugin_descriptor,
    *const etl_host_api,
    *mut etl_host_instance,
    *const c_char,
    *mut *mut c_void,
    *mut etl_error,
) -> etl_status;

#[repr(C)]
pub struct etl_source_api {
    pub struct_size: u32,
    pub create: Option<CreateFn>,
    pub destroy: Option<unsafe extern "C" fn(*mut c_void)>,
    pub check: Option<unsafe extern "C" fn(*mut c_void, *mut etl_error) -> etl_status>,
    pub discover: Option<unsafe extern "C" fn(*mut c_void, *mut ArrowSchema, *mut etl_error) -> etl_status>,
    pub read: Option<
        unsafe extern "C" fn(*mut c_void, *const etl_read_request, *mut ArrowArrayStream, *mut etl_error) -> etl_status,
    >,
    pub checkpoint: Option<unsafe extern "C" fn(*mut c_void, *mut *const c_char, *mut etl_error) -> etl_status>,
    // ---- ABI 1.1 ----
    pub create_with_descriptor: Option<CreateWithDescriptorFn>,
}

#[repr(C)]
pub struct etl_plugin_descriptor {
    pub struct_size: u32,
    pub kind: i32,
    pub name: *const c_char,
    pub version: *const c_char,
    pub description: *const c_char,
    pub capabilities: u64,
    pub config_schema_json: *const c_char,
    pub source: *const etl_source_api,
    pub sink: *const c_void,
    // ---- ABI 1.1 ----
    pub user_data: *mut c_void,
}

#[repr(C)]
pub struct etl_plugin_library {
    pub struct_size: u32,
    pub abi_major: u16,
    pub abi_minor: u16,
    pub plugin_count: i32,
    pub plugins: *const *const etl_plugin_descriptor,
}

/// `ETL_HAS_FIELD`: does a struct whose producer set `struct_size` reach the end of the field
/// that ends at `field_end` bytes? (`field_end` = offset + size of the field.)
pub fn has_field(struct_size: u32, field_end: usize) -> bool {
    struct_size as usize >= field_end
}

/// `ETL_HOST_API_SIZE_1_1`: the host table through `free_string`.
pub const HOST_API_SIZE_1_1: usize = size_of::<etl_host_api>();

// The layout checks of SDK/abi/etl_plugin_abi.c, for the structs written here (LP64).
#[cfg(target_pointer_width = "64")]
const _: () = {
    assert!(size_of::<ArrowSchema>() == 72);
    assert!(size_of::<ArrowArray>() == 80);
    assert!(size_of::<ArrowArrayStream>() == 40);
    assert!(size_of::<etl_error>() == 1032);
    assert!(size_of::<etl_host_api>() == 216);
    assert!(size_of::<etl_read_request>() == 80);
    assert!(size_of::<etl_source_api>() == 64);
    assert!(size_of::<etl_plugin_descriptor>() == 72);
    assert!(size_of::<etl_plugin_library>() == 24);
};

/// Lets a `static` hold C structs with raw pointers: they point at other statics and are
/// never written, so sharing them between threads is safe.
#[repr(transparent)]
pub struct Shared<T>(pub T);
unsafe impl<T> Sync for Shared<T> {}
