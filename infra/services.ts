/**
 * Node flags of every service process (gateway, subgraphs; the benchmark gives its floor and peer
 * the same). A 32 MB young-generation semi-space: a region dashboard allocates tens of megabytes
 * of rows and result objects per request, and with the default (16 MB) the loans subgraph spent
 * about a third of its CPU in scavenges (measured: loans CPU per RegionDashboard ~100 ms → ~50 ms,
 * resident memory still under 200 MB per process).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=32'];
