import Foundation
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// Every file the agent reads or writes, under `root` (`/` on a node; a directory for `--root`
/// in tests and image builds). Writes are atomic (a new file created with its final mode, then
/// renamed), so a file never exists half-written or briefly readable by others.
public struct RootedFileSystem: Sendable {
    public let root: String

    public init(root: String = "/") {
        var trimmed = root
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed.isEmpty ? "/" : trimmed
    }

    /// The real path of `path` (which is absolute as the node sees it).
    public func hostPath(_ path: String) -> String {
        root == "/" ? path : root + (path.hasPrefix("/") ? path : "/" + path)
    }

    public func read(_ path: String) -> HostSnapshot.FileState? {
        let real = hostPath(path)
        guard let data = FileManager.default.contents(atPath: real),
              let attributes = try? FileManager.default.attributesOfItem(atPath: real),
              let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue else { return nil }
        return HostSnapshot.FileState(contents: String(decoding: data, as: UTF8.self), mode: mode & 0o7777)
    }

    public func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: hostPath(path)) }

    /// Creates missing parent directories (0755; `directoryMode` for the last one).
    public func write(_ path: String, contents: String, mode: Int, directoryMode: Int = 0o755) throws(BootstrapError) {
        let real = hostPath(path)
        let directory = (real as NSString).deletingLastPathComponent
        do {
            if !FileManager.default.fileExists(atPath: directory) {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: directoryMode])
            }
        } catch {
            throw BootstrapError(.file, "cannot create \(directory): \(error.localizedDescription)")
        }
        let temporary = "\(directory)/.\((real as NSString).lastPathComponent).ranchhand-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else { throw BootstrapError(.file, "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
            guard result > 0 else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                unlink(temporary)
                throw BootstrapError(.file, "cannot write \(real): \(reason)")
            }
            written += result
        }
        // open() applied the umask; set the mode exactly, then make it durable before the rename.
        fchmod(descriptor, mode_t(mode))
        fsync(descriptor)
        close(descriptor)
        guard rename(temporary, real) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw BootstrapError(.file, "cannot replace \(real): \(reason)")
        }
    }

    /// Appends one line (the progress log), creating the file with `mode` if needed.
    public func append(_ path: String, line: String, mode: Int = 0o640) {
        let real = hostPath(path)
        let directory = (real as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let descriptor = open(real, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else { return }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }
}
