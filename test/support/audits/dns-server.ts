/** A small authoritative DNS server on 127.0.0.1 (UDP, dns2) answering from a zone map, for the audit's injected resolver. */
import dns2 from 'dns2';

export interface ZoneRecord {
  A?: string[];
  AAAA?: string[];
  CNAME?: string;
  NS?: string[];
  MX?: Array<{ exchange: string; priority: number }>;
  PTR?: string[];
}

export interface TestDnsServer {
  address: string;
  port: number;
  zone: Map<string, ZoneRecord>;
  queries: number;
  close(): Promise<void>;
}

const { Packet } = dns2;

export async function startDnsServer(zone: Record<string, ZoneRecord>): Promise<TestDnsServer> {
  const records = new Map(Object.entries(zone).map(([k, v]) => [k.toLowerCase(), v]));
  const state = { queries: 0 };
  const server = dns2.createServer({
    udp: true,
    handle(request, send) {
      state.queries++;
      const response = Packet.createResponseFromRequest(request);
      const answers = response.answers as unknown as object[];
      const [q] = request.questions;
      if (!q) return void send(response);
      let name = q.name.toLowerCase();
      let rec = records.get(name);
      if (!rec) {
        response.header.rcode = 3; // NXDOMAIN
        return void send(response);
      }
      const base = { class: Packet.CLASS.IN, ttl: 60 };
      // follow CNAMEs like a recursive resolver would, answering the chain and the target's records
      for (let i = 0; rec?.CNAME && q.type !== Packet.TYPE.CNAME && i < 8; i++) {
        answers.push({ ...base, name, type: Packet.TYPE.CNAME, domain: rec.CNAME });
        name = rec.CNAME.toLowerCase();
        rec = records.get(name);
      }
      if (!rec) return void send(response);
      switch (q.type) {
        case Packet.TYPE.A:
          for (const address of rec.A ?? []) answers.push({ ...base, name, type: Packet.TYPE.A, address });
          break;
        case Packet.TYPE.AAAA:
          for (const address of rec.AAAA ?? []) answers.push({ ...base, name, type: Packet.TYPE.AAAA, address });
          break;
        case Packet.TYPE.CNAME:
          if (rec.CNAME) answers.push({ ...base, name, type: Packet.TYPE.CNAME, domain: rec.CNAME });
          break;
        case Packet.TYPE.NS:
          for (const ns of rec.NS ?? []) answers.push({ ...base, name, type: Packet.TYPE.NS, ns });
          break;
        case Packet.TYPE.MX:
          for (const mx of rec.MX ?? []) answers.push({ ...base, name, type: Packet.TYPE.MX, ...mx });
          break;
        case Packet.TYPE.PTR:
          for (const domain of rec.PTR ?? []) answers.push({ ...base, name, type: Packet.TYPE.PTR, domain });
          break;
      }
      void send(response);
    },
  });
  await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const addr = server.addresses().udp!;
  return {
    address: '127.0.0.1',
    port: addr.port,
    zone: records,
    get queries() {
      return state.queries;
    },
    close: () => server.close(),
  };
}
