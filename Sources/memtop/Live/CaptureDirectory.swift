#if canImport(Glibc)
import Glibc
#endif

/// The directory `memtop capture` writes, held open as a directory descriptor.
///
/// Every folder and file under it is made relative to a directory descriptor (`mkdirat`,
/// `openat`) with `O_NOFOLLOW`, and files with `O_CREAT | O_EXCL`: a symbolic link planted
/// inside the directory, even while the capture runs, makes that write fail; it never sends it
/// elsewhere (capture often runs as root, since kpageflags needs it).
struct CaptureDirectory: ~Copyable {
    /// The path as the user gave it, for messages.
    let path: String
    private let fd: Int32

    /// The entries a capture writes at the top of its directory; `--force` removes them.
    static let captureEntries = ["proc", "sys"]

    /// Opens `path` for a new capture, creating it if it does not exist.
    ///
    /// Everything is checked before anything is created: the path may not be or lie inside
    /// /proc, /sys or /dev (as written and with links resolved), may not be a link itself, and
    /// may not be `source` or overlap it. An existing directory must be empty, or, with `force`,
    /// its earlier capture (`proc/`, `sys/`) is removed first, so no stale file survives.
    init(_ path: String, force: Bool, source: LiveSource) throws {
        fd = try Self.prepare(path, force: force, source: source)
        self.path = path
    }

    private static func prepare(_ path: String, force: Bool, source: LiveSource) throws -> Int32 {
        let absolute = path.hasPrefix("/") ? path : Self.currentDirectory() + "/" + path
        let lexical = Self.normalised(absolute)
        try Self.refuseSystemPaths(lexical, shown: path)
        guard let slash = lexical.lastIndex(of: "/") else { throw Self.error(path, "not a path") }
        let parent = slash == lexical.startIndex ? "/" : String(lexical[..<slash])
        let name = String(lexical[lexical.index(after: slash)...])
        guard !name.isEmpty else { throw Self.error(path, "cannot capture into /") }
        let resolvedParent = try Self.resolved(parent, shown: path)
        let target = (resolvedParent == "/" ? "" : resolvedParent) + "/" + name
        try Self.refuseSystemPaths(target, shown: path)
        if !source.isMachine {
            let from = try Self.resolved(source.root, shown: source.root)
            if from == target || from.hasPrefix(target + "/") || target.hasPrefix(from + "/") {
                throw Self.error(path, "it is the --from directory or overlaps it (--from \(Quoted(source.root)))")
            }
        }
        let parentFD = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parentFD >= 0 else { throw Self.error(path, "parent folder: " + Errno.current) }
        defer { close(parentFD) }
        var info = stat()
        let exists = fstatat(parentFD, name, &info, AT_SYMLINK_NOFOLLOW) == 0
        if exists {
            guard (info.st_mode & S_IFMT) != S_IFLNK else {
                throw Self.error(path, "it is a symbolic link; name the directory it points to")
            }
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw Self.error(path, "not a directory") }
        } else if mkdirat(parentFD, name, 0o755) != 0 {
            throw Self.error(path, "cannot create: " + Errno.current)
        }
        let fd = openat(parentFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw Self.error(path, Errno.current) }
        do {
            let entries = exists ? try Self.entries(of: fd, path: path) : []
            if !entries.isEmpty {
                guard force else {
                    throw Self.error(path, "not empty (an earlier capture? --force replaces it)")
                }
                for entry in entries where Self.captureEntries.contains(entry) {
                    try Self.remove(entry, in: fd, path: path)
                }
            }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    deinit { close(fd) }

    /// Writes a new file at `relative` ("proc/zoneinfo"), making its folders.
    func write(_ bytes: [UInt8], to relative: String) throws {
        let out = try create(relative)
        defer { close(out) }
        try FileDescriptorIO.writeAll(bytes[...], to: out, path: path + "/" + relative)
    }

    /// Creates the file `relative` for writing and returns its descriptor (the caller closes it).
    /// Fails if anything, a link included, is already there.
    func create(_ relative: String) throws -> Int32 {
        var components = relative.split(separator: "/").map(String.init)
        guard let file = components.popLast() else { throw Self.error(path, "empty file name") }
        var dirFD = dup(fd)
        guard dirFD >= 0 else { throw Self.error(path, Errno.current) }
        defer { close(dirFD) }
        var walked = path
        for component in components {
            walked += "/" + component
            if mkdirat(dirFD, component, 0o755) != 0 && errno != EEXIST {
                throw LiveError.unreadable(path: walked, reason: "cannot create: " + Errno.current)
            }
            let next = openat(dirFD, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else {
                throw LiveError.unreadable(path: walked, reason: "not a plain folder: " + Errno.current)
            }
            close(dirFD)
            dirFD = next
        }
        let out = openat(dirFD, file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard out >= 0 else {
            throw LiveError.unreadable(path: walked + "/" + file, reason: "cannot create: " + Errno.current)
        }
        return out
    }

    // MARK: - Checks made before anything is created

    private static func error(_ path: String, _ reason: String) -> LiveError {
        .unusableDestination(path: path, reason: reason)
    }

    private static func refuseSystemPaths(_ path: String, shown: String) throws {
        for forbidden in ["/proc", "/sys", "/dev"] where path == forbidden || path.hasPrefix(forbidden + "/") {
            throw error(shown, "memtop never writes under \(forbidden)")
        }
    }

    /// `path` with links resolved (it must exist).
    private static func resolved(_ path: String, shown: String) throws -> String {
        guard let real = realpath(path, nil) else { throw error(shown, "\(Quoted(path)): " + Errno.current) }
        defer { free(real) }
        return String(cString: real)
    }

    private static func currentDirectory() -> String {
        guard let cwd = getcwd(nil, 0) else { return "." }
        defer { free(cwd) }
        return String(cString: cwd)
    }

    /// `path` without "." and ".." components and doubled slashes, as the kernel would walk it
    /// if no component were a link.
    static func normalised(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    // MARK: - Removing an earlier capture, never following a link

    private static func entries(of dirFD: Int32, path: String) throws -> [String] {
        let copy = dup(dirFD)
        guard copy >= 0, let dir = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            throw error(path, Errno.current)
        }
        defer { closedir(dir) }
        return DirectoryListing.names(in: dir)
    }

    /// Removes `name` inside `dirFD`: a folder with everything in it; a link is removed, not
    /// followed.
    private static func remove(_ name: String, in dirFD: Int32, path: String) throws {
        var info = stat()
        guard fstatat(dirFD, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            let sub = openat(dirFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard sub >= 0 else { throw error(path, "cannot remove \(Quoted(name)): " + Errno.current) }
            defer { close(sub) }
            for entry in try entries(of: sub, path: path) {
                try remove(entry, in: sub, path: path + "/" + name)
            }
            guard unlinkat(dirFD, name, AT_REMOVEDIR) == 0 else {
                throw error(path, "cannot remove \(Quoted(name)): " + Errno.current)
            }
        } else if unlinkat(dirFD, name, 0) != 0 {
            throw error(path, "cannot remove \(Quoted(name)): " + Errno.current)
        }
    }
}

/// Whole writes to a descriptor, retried on EINTR and short writes.
enum FileDescriptorIO {
    static func writeAll(_ bytes: ArraySlice<UInt8>, to fd: Int32, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.write(fd, base + offset, raw.count - offset)
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw LiveError.unreadable(path: path, reason: "cannot write: " + Errno.current) }
            offset += n
        }
    }
}
