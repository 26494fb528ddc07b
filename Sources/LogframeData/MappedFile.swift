#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one input file, memory-mapped read-only, or read into memory when the file
/// refuses `mmap` (empty files, some file systems). Only regular files are opened: devices,
/// FIFOs, sockets and `/dev/stdin` are refused (`Failure.notRegular`).
///
/// The mapping is private and read-only: input files are never modified. A file truncated by
/// another process while it is mapped would fault; activity logs are not written while we read.
final class MappedFile: @unchecked Sendable {  // immutable after init; the bytes are read-only
    enum Failure: Error, Equatable {
        case notFound
        case isDirectory
        /// A device, FIFO or socket: refused before any byte is read (it could block forever or
        /// never end).
        case notRegular
        case unreadable(String)
    }

    let bytes: UnsafeBufferPointer<UInt8>
    private let isMapped: Bool

    /// How often readers let go of the pages behind them.
    static let releaseStride = 32 << 20

    /// Lets the kernel drop the mapped pages before `offset` from this process (they stay in the
    /// page cache and fault back in if touched again). Without this a mapped file counts fully
    /// in the resident set once read, so memory would grow with the file instead of the state.
    func release(below offset: Int) {
        guard isMapped, let base = bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let length = min(offset, bytes.count) / page * page
        guard length > 0 else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), length, MADV_DONTNEED)
    }

    /// Lets go of the whole pages in `start..<end` (see `release(below:)`); for a reader that
    /// starts in the middle of the file.
    func release(from start: Int, below end: Int) {
        guard isMapped, let base = bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (start + page - 1) / page * page
        let last = min(end, bytes.count) / page * page
        guard last > first else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + first), last - first, MADV_DONTNEED)
    }

    /// Whether the bytes are a mapping of the file (not a copy read from a pipe).
    var isMemoryMapped: Bool { isMapped }

    private init(bytes: UnsafeBufferPointer<UInt8>, isMapped: Bool) {
        self.bytes = bytes
        self.isMapped = isMapped
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        } else {
            free(UnsafeMutableRawPointer(mutating: base))
        }
    }

    static func open(_ path: String) -> Result<MappedFile, Failure> {
        // A socket cannot even be opened: look before opening.
        var before = stat()
        if stat(path, &before) == 0, (before.st_mode & S_IFMT) != S_IFREG, (before.st_mode & S_IFMT) != S_IFDIR {
            return .failure(.notRegular)
        }
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .failure(.notFound) }
            return .failure(.unreadable(errorText(code)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.unreadable(errorText(errno))) }
        if (info.st_mode & S_IFMT) == S_IFDIR { return .failure(.isDirectory) }
        if (info.st_mode & S_IFMT) != S_IFREG { return .failure(.notRegular) }
        // Back to blocking reads for the (regular) file.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        if (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 {
            let size = Int(info.st_size)
            if let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), pointer != UnsafeMutableRawPointer(bitPattern: -1) {
                _ = madvise(pointer, size, MADV_SEQUENTIAL)
                let typed = UnsafePointer(pointer.assumingMemoryBound(to: UInt8.self))
                return .success(MappedFile(bytes: UnsafeBufferPointer(start: typed, count: size), isMapped: true))
            }
        }
        return readAll(fd)
    }

    /// Reads a descriptor to its end into a `malloc`ed buffer (used when mapping is impossible).
    private static func readAll(_ fd: Int32) -> Result<MappedFile, Failure> {
        var capacity = 1 << 16
        var count = 0
        guard var buffer = malloc(capacity)?.assumingMemoryBound(to: UInt8.self) else {
            return .failure(.unreadable("out of memory"))
        }
        while true {
            if count == capacity {
                capacity *= 2
                guard let grown = realloc(buffer, capacity)?.assumingMemoryBound(to: UInt8.self) else {
                    free(buffer)
                    return .failure(.unreadable("out of memory"))
                }
                buffer = grown
            }
            let n = read(fd, buffer + count, capacity - count)
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                free(buffer)
                if code == EISDIR { return .failure(.isDirectory) }
                return .failure(.unreadable(errorText(code)))
            }
            if n == 0 { break }
            count += n
        }
        return .success(MappedFile(bytes: UnsafeBufferPointer(start: UnsafePointer(buffer), count: count), isMapped: false))
    }

    private static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
