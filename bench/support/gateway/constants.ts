// What every party of the gateway bench agrees on: the load's shape and the token's audience.
export const CONNECTIONS = 64;
export const PEAK_SECONDS = 5;
export const LATENCY_SECONDS = 5;
/** The fixed rate at which each server's CPU time per request is read. */
export const CPU_RATE = 1000;
export const HOST = 'billing.example';
export const PATH = '/invoices/2025/06?limit=50&status=open';
export const ISSUER = 'https://rolegate.example.com';
export const AUDIENCE = 'https://billing.example.com';
