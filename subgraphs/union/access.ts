import { AUDIT_READERS, SCOPED_READERS, type AccessCatalogue } from '../lib/access';

/** The union subgraph's access catalogue (lib/access); lib adds `unionSagaSteps`. */
export const UNION_ACCESS: AccessCatalogue = {
  'Query.cooperativeUnion': { roles: SCOPED_READERS, scope: 'county' },
  'Query.cooperativeUnions': { roles: SCOPED_READERS, scope: 'county' },
  // unions are founded and joined on the county poverty office's decision (县扶贫办)
  'Mutation.foundCooperativeUnion': { roles: ['COUNTY'], scope: 'county' },
  'Mutation.updateUnionPolicy': { roles: ['COUNTY'], scope: 'county' },
  'Mutation.joinCooperativeUnion': { roles: ['COUNTY'], scope: 'cooperative' },
  'Mutation.leaveCooperativeUnion': { roles: ['COUNTY'], scope: 'cooperative' },
  'CooperativeUnion.auditTrail': { roles: [...AUDIT_READERS, 'UNION'], scope: 'parent' },
};
