/// Which file a local path leads to while the file exists: its device and inode (both 0 for a
/// remote file). A rename keeps it; a copy, or a new file under the old name, has another.
struct FileIdentity: Sendable, Hashable {
    let device: UInt64
    let inode: UInt64

    init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    init(_ status: InputFile.Status) {
        self.init(device: status.device, inode: status.inode)
    }
}
