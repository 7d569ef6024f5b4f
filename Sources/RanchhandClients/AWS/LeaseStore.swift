import Foundation

/// A lease held in a store every invocation and poller of a cluster can reach, so what must be
/// serialised per cluster (deleting a node: the quorum check and the scale-in budget must see the
/// previous deletion) stays serialised across processes. Each take returns a fencing number that
/// grows with every new holder.
public protocol LeaseStore: Sendable {
    /// Takes `name` for `holder` until `expires` — if nobody holds it, its holder's time ran out by
    /// `now`, or `holder` holds it already (a renewal). Returns the fencing number, or nil when
    /// another holder's lease is still running.
    func take(_ name: String, holder: String, until expires: Date, now: Date) async throws(ClientError) -> Int?
    /// Extends the lease `holder` holds under `fence` to `expires`; false when it is no longer ours.
    func renew(_ name: String, holder: String, fence: Int, until expires: Date) async throws(ClientError) -> Bool
    /// Gives `name` back if `holder` still holds it under `fence`; otherwise does nothing.
    func release(_ name: String, holder: String, fence: Int) async throws(ClientError)
}
