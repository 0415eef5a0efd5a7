/// Placeholder; the machine model lands with issue 2.
public enum MemEngineVersion { public static let value = "0.1.0" }
