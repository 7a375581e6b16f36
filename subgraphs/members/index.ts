import 'reflect-metadata';
import { MEMBERS_ACCESS } from './access';
import { defineSubgraph, type SubgraphDefinition } from '../lib/subgraph';
import { MEMBERS_CODES } from './codes';
import { CONTRIBUTION, EXIT_RETURN } from './contribution.entity';
import { CONTRIBUTION_STEPS } from './contribution.saga';
import { ContributionResolver } from './contribution.resolver';
import { COOPERATIVE } from './cooperative.entity';
import { cooperativeReference } from './cooperative.reference';
import { CooperativeResolver } from './cooperative.resolver';
import { COUNTY, TOWNSHIP, VILLAGE } from './geography.entity';
import { CountyResolver, TownshipResolver, VillageResolver } from './geography.resolver';
import { countyById } from './geography.service';
import { parseId } from './shared';
import type { Ctx } from '../lib/context';
import { GUARANTEE_GROUP, GUARANTEE_GROUP_MEMBER } from './guarantee.entity';
import { GuaranteeGroupResolver } from './guarantee.resolver';
import { INSURANCE_POLICY, SHAREHOLDING } from './insurance.entity';
import { InsuranceResolver } from './insurance.resolver';
import { IdentityResolver } from './identity.resolver';
import { InternalResolver } from './internal.resolver';
import { MEMBER } from './member.entity';
import { POVERTY_STATUS_CHANGE } from './poverty.entity';
import { memberReference } from './member.reference';
import { MemberResolver } from './member.resolver';
import { membersMigrations } from './migrations';
import { membersSeedLayout } from './seed.layout';
import { PovertyResolver } from './poverty.resolver';

/** Owns the federation entities `Cooperative` and `Member`: geography, cooperatives, member households. */
export const membersSubgraph: SubgraphDefinition = defineSubgraph({
  name: 'members',
  port: 4001,
  database: 'members',
  access: MEMBERS_ACCESS,
  codes: MEMBERS_CODES,
  tables: [COUNTY, TOWNSHIP, VILLAGE, COOPERATIVE, MEMBER, POVERTY_STATUS_CHANGE, CONTRIBUTION, EXIT_RETURN, GUARANTEE_GROUP, GUARANTEE_GROUP_MEMBER, INSURANCE_POLICY, SHAREHOLDING],
  migrations: membersMigrations,
  seed: membersSeedLayout,
  resolvers: [
    CountyResolver, TownshipResolver, VillageResolver, CooperativeResolver, MemberResolver, ContributionResolver,
    GuaranteeGroupResolver, InsuranceResolver, InternalResolver, PovertyResolver, IdentityResolver,
  ],
  orphanedTypes: [],
  references: () => ({
    Cooperative: cooperativeReference,
    Member: memberReference,
    County: { __resolveReference: (ref: { id: string }, ctx: Ctx) => countyById(ctx, parseId(ref.id)) },
  }),
  sagas: CONTRIBUTION_STEPS,
  // a union's member cooperatives (later a bank's, an enterprise's) are pushed here by their owner
  grants: true,
});
