import type { InfluxDB } from 'influx';

/**
 * Creates `database` unless the server already lists it. Listing first lets a user without admin
 * rights (who cannot `CREATE DATABASE`) write to a database an admin created for them.
 * Rejects with the client's error (network, 401/403…) for the caller to classify and retry.
 *
 * @example
 * await ensureInfluxDatabase(createInfluxClient(parseInfluxUrl('http://127.0.0.1:8086/plant')), 'plant');
 */
export async function ensureInfluxDatabase(client: InfluxDB, database: string): Promise<void> {
  const names = await client.getDatabaseNames();
  if (!names.includes(database)) await client.createDatabase(database);
}
