import TLSSessions

/// Sessions counted under one rollup key, with the first and last log time among them: the
/// tracker's ``TallyCount``, under the name the stores and reports use.
public typealias Tally = TallyCount
