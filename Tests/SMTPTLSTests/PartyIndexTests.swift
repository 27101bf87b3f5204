import LogGenerator
@testable import Reports
import Testing

@Suite("Reports: the party index")
struct PartyIndexTests {
    @Test("numbers parties in order of first sight, like a dictionary, through growth and keys that differ in one id")
    func agreesWithDictionary() {
        struct Key: Hashable { var server, connector, remote: Int64; var send: Bool }
        var random = SeededRandom(seed: 7)
        var index = PartyIndex()
        var reference: [Key: Int] = [:]
        for step in 0..<60_000 {
            // Few servers and connectors, addresses from a small range and ids past 2^32:
            // keys that share most of their bits, and runs of probes in the table.
            let key = Key(
                server: Int64(random.next() % 3), connector: Int64(random.next() % 4) << 33,
                remote: Int64(random.next() % 5000), send: random.next() % 2 == 0)
            if step % 3 == 0 {
                #expect(index.find(server: key.server, connector: key.connector, remote: key.remote, send: key.send) == reference[key])
            } else {
                let number = index.add(server: key.server, connector: key.connector, remote: key.remote, send: key.send)
                if reference[key] == nil { reference[key] = reference.count }
                #expect(number == reference[key])
            }
        }
        #expect(index.count == reference.count && index.count > 20_000)
        #expect(index.find(server: 9, connector: 0, remote: 0, send: false) == nil)
    }
}
