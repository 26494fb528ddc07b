import Foundation
import LogframeData
import LogframeDefinitions

/// Writes the report named by `--output` so that no run, interrupted or failed, damages anything
/// (SPEC section 11, issue 16):
///
/// - an output that is one of the run's input files (the definitions or any data file, also
///   through a symbolic or hard link) is refused before anything is computed;
/// - a regular file (or a missing one) is replaced atomically: the report goes to a temporary
///   file created with `O_CREAT | O_EXCL | O_NOFOLLOW` in the target's folder (so a planted
///   symbolic link is never followed), gets the old report's permissions, and is renamed over the
///   target only once fully written and synced; on any error (a full disk included), and on
///   SIGINT or SIGTERM, the temporary file is removed and the old report stays as it was;
/// - an existing target that is not a regular file (`/dev/stdout`, a FIFO, a terminal) is
///   written into, never renamed over.
final class SafeOutput {
    struct Failure: Error {
        var code: String
        var message: String
    }

    private enum Mode {
        /// Rename the temporary file (open as `descriptor`) over `target`.
        case replace(target: String, temporary: String, descriptor: Int32)
        /// Write into the existing non-regular file.
        case into(path: String)
    }

    let path: String
    private var mode: Mode?

    /// Checks the target and, for a regular file, creates the temporary file now, so an
    /// unwritable folder is reported before the computation and an interrupted computation
    /// leaves nothing behind.
    init(path: String, inputs: [String]) throws {
        self.path = path
        var info = stat()
        let exists = stat(path, &info) == 0
        if exists {
            for input in inputs {
                var other = stat()
                if stat(input, &other) == 0, other.st_dev == info.st_dev, other.st_ino == info.st_ino {
                    throw Failure(code: "output-is-input",
                                  message: "the output \(path) is an input of this run (\(input)); inputs are never overwritten. Choose another --output.")
                }
            }
        }
        if exists && (info.st_mode & S_IFMT) != S_IFREG {
            if (info.st_mode & S_IFMT) == S_IFDIR {
                throw Failure(code: "output-unwritable", message: "\(path) is a folder; give a file name, e.g. \(path)/report.md.")
            }
            mode = .into(path: path)
            return
        }
        // A symbolic link to a regular file: replace the file it names, keep the link.
        let target = exists ? (PathPolicy.canonical(path) ?? path) : path
        let folder = (target as NSString).deletingLastPathComponent
        let base = (target as NSString).lastPathComponent
        var permissions: mode_t = 0o666 & ~SafeOutput.umaskValue
        if exists { permissions = info.st_mode & 0o7777 }
        for attempt in 0..<32 {
            let name = ".\(base).\(getpid()).\(UInt32.random(in: 0 ... .max)).tmp"
            let temporary = folder.isEmpty ? name : folder + "/" + name
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd < 0 {
                if errno == EEXIST && attempt < 31 { continue }
                throw Failure(code: "output-unwritable", message: "cannot write the report \(path): \(SafeOutput.reason(errno))")
            }
            SignalCleanup.register(temporary)
            _ = fchmod(fd, permissions)
            if exists { _ = fchown(fd, info.st_uid, info.st_gid) }
            mode = .replace(target: target, temporary: temporary, descriptor: fd)
            return
        }
    }

    /// Writes the report; after an error nothing of it is left and the old report is untouched.
    func commit(_ data: Data) throws {
        guard let mode else { return }
        self.mode = nil
        switch mode {
        case .into(let path):
            let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_TRUNC)
            guard fd >= 0 else {
                throw Failure(code: "output-unwritable", message: "cannot write the report \(path): \(SafeOutput.reason(errno))")
            }
            defer { close(fd) }
            if let code = SafeOutput.writeAll(fd, data) {
                throw Failure(code: "output-unwritable", message: "cannot write the report \(path): \(SafeOutput.reason(code))")
            }
        case .replace(let target, let temporary, let fd):
            var code = SafeOutput.writeAll(fd, data)
            if code == nil, fsync(fd) != 0, errno != EINVAL { code = errno }
            if close(fd) != 0, code == nil { code = errno }
            if code == nil, rename(temporary, target) != 0 { code = errno }
            if let code {
                unlink(temporary)
                SignalCleanup.register(nil)
                throw Failure(code: "output-unwritable",
                              message: "cannot write the report \(path): \(SafeOutput.reason(code)); \(FileManager.default.fileExists(atPath: target) ? "the old report is unchanged" : "nothing was written")")
            }
            SignalCleanup.register(nil)
        }
    }

    /// Removes the temporary file (an error before the report was complete).
    func discard() {
        guard case .replace(_, let temporary, let fd)? = mode else { return }
        mode = nil
        close(fd)
        unlink(temporary)
        SignalCleanup.register(nil)
    }

    deinit { discard() }

    /// Writes every byte; the errno of a failed write, else nil.
    private static func writeAll(_ fd: Int32, _ data: Data) -> Int32? {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int32? in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
    }

    private static var umaskValue: mode_t {
        let old = umask(0o022)
        umask(old)
        return old
    }

    static func reason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    /// Every file the run reads: the definitions and each source's files.
    static func inputs(of definitions: Definitions) -> [String] {
        [definitions.file] + definitions.sources.flatMap { SourceReader(source: $0, definitions: definitions).inputPaths() }
    }
}

/// Removes the temporary report file when SIGINT or SIGTERM ends the run, then lets the signal
/// end the process as it would have.
enum SignalCleanup {
    /// The temporary file's path as a C string (read by the signal handler; replaced only with
    /// the handlers' signals blocked).
    nonisolated(unsafe) private static var pending: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) private static var installed = false

    static func register(_ path: String?) {
        var block = sigset_t(), old = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGINT)
        sigaddset(&block, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &block, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        if let previous = pending { free(previous) }
        pending = path.map { strdup($0) }
        if !installed, path != nil {
            installed = true
            for signal in [SIGINT, SIGTERM] {
                var action = sigaction()
                action.__sigaction_handler.sa_handler = { number in
                    if let path = SignalCleanup.pending { unlink(path) }
                    Glibc.signal(number, SIG_DFL)
                    raise(number)
                }
                sigemptyset(&action.sa_mask)
                action.sa_flags = 0
                sigaction(signal, &action, nil)
            }
        }
    }
}
