/** A line's destination as the order document names it (`kind`, `name`, `address`). */
type Destination = { kind: string; name: string; address: unknown } | null;

/** One parcel: a destination and the lines going there. */
export type Shipment<L extends { shipTo: Destination }> = { key: string; shipTo: L['shipTo']; lines: L[] };

/**
 * The parcels of an order: its lines grouped by destination (the clinic, or each owner), in
 * the order the lines first name them. The packing slip of shipment N is `shipmentsOf(…)[N-1]`.
 */
export function shipmentsOf<L extends { shipTo: Destination }>(lines: L[]): Shipment<L>[] {
  const groups = new Map<string, Shipment<L>>();
  for (const line of lines) {
    const key = line.shipTo ? JSON.stringify([line.shipTo.kind, line.shipTo.name, line.shipTo.address]) : 'unknown';
    const group: Shipment<L> = groups.get(key) ?? { key, shipTo: line.shipTo, lines: [] };
    group.lines.push(line);
    groups.set(key, group);
  }
  return [...groups.values()];
}
