/// The random seeds of the tracker's hash tables, drawn once per process: crafted log values
/// cannot be chosen to collide in a run they do not know the seeds of. Once per process, not per
/// table: a log of hourly files made some 14 tables an input, and each drew its seed with a
/// `getrandom` system call (10,500 calls for 768 files). Tables are never filled from one
/// another in slot order, so sharing a seed clusters nothing.
enum HashSeed {
    /// ``ByteTable``'s.
    static let byteTables = UInt64.random(in: .min ... .max)
    /// ``SessionTable``'s multiplier (odd: multiply-shift hashing).
    static let sessionTables = UInt64.random(in: .min ... .max) | 1
}
