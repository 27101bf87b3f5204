import FuzzChecks

/// libFuzzer entry point: see ``FuzzChecks/scanner(_:)`` for what is checked.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzChecks.scanner(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
