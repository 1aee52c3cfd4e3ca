//! What a check counted as the delivery streamed through it: the report's totals and
//! record table are made from it.

/// What the stream counted, for the report's totals and record table.
#[derive(Debug, Default)]
pub struct Tally {
    /// Regular files delivered (vouch's own inputs left out).
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Per catalogue record: pages delivered (`None`: a multi-page file's count unknown).
    pub delivered: Vec<Option<u64>>,
    /// Files to inspect.
    pub inspected: u64,
    /// Of those, files not inspected (the run was interrupted first).
    pub missed: u64,
    /// Per catalogue record: whether all its delivered files were listed and inspected
    /// (false for a record the run never reached, or left half read).
    pub checked: Vec<bool>,
}
