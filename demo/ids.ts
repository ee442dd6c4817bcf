/**
 * The cast of the demo stories (DOMAIN.md Story 1 and 3). Each subgraph seeds its own part of the
 * story; these fixed ids are the only thing they share, exactly as real references would be.
 */
export const DEMO = {
  users: {
    manager: '0d3a1c52-5f0e-4b7a-9a51-000000000001',
    salesRep: '0d3a1c52-5f0e-4b7a-9a51-000000000002',
    serviceAgent: '0d3a1c52-5f0e-4b7a-9a51-000000000003',
    marketer: '0d3a1c52-5f0e-4b7a-9a51-000000000004',
    admin: '0d3a1c52-5f0e-4b7a-9a51-000000000005',
    analyst: '0d3a1c52-5f0e-4b7a-9a51-000000000006',
  },
  customers: {
    janNovak: '7b1e0f7c-2a55-4d8e-8c1f-000000000101',
    evaHorakova: '7b1e0f7c-2a55-4d8e-8c1f-000000000102',
    autoparkFleet: '7b1e0f7c-2a55-4d8e-8c1f-000000000103',
  },
  devices: { phone: 'device-a-3f9c21', laptop: 'device-b-81d0e7' },
} as const;
