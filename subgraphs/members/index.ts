import 'reflect-metadata';
import { MEMBERS_ACCESS } from './access';
import { defineSubgraph, type SubgraphDefinition } from '../lib/subgraph';
import { MEMBERS_CODES } from './codes';
import { ContributionEntity } from './contribution.entity';
import { CONTRIBUTION_STEPS } from './contribution.saga';
import { ContributionResolver } from './contribution.resolver';
import { CooperativeEntity } from './cooperative.entity';
import { cooperativeReference } from './cooperative.reference';
import { CooperativeResolver } from './cooperative.resolver';
import { CountyEntity, TownshipEntity, VillageEntity } from './geography.entity';
import { CountyResolver, TownshipResolver, VillageResolver } from './geography.resolver';
import { countyById } from './geography.service';
import { parseId } from './shared';
import type { Ctx } from '../lib/context';
import { GuaranteeGroupEntity, GuaranteeGroupMemberEntity } from './guarantee.entity';
import { GuaranteeGroupResolver } from './guarantee.resolver';
import { InsurancePolicyEntity, ShareholdingEntity } from './insurance.entity';
import { InsuranceResolver } from './insurance.resolver';
import { IdentityResolver } from './identity.resolver';
import { InternalResolver } from './internal.resolver';
import { MemberEntity } from './member.entity';
import { memberReference } from './member.reference';
import { MemberResolver } from './member.resolver';
import { membersMigrations } from './migrations';
import { membersSeedLayout } from './seed.layout';

/** Owns the federation entities `Cooperative` and `Member`: geography, cooperatives, member households. */
export const membersSubgraph: SubgraphDefinition = defineSubgraph({
  name: 'members',
  port: 4001,
  database: 'members',
  access: MEMBERS_ACCESS,
  codes: MEMBERS_CODES,
  entities: [
    CountyEntity, TownshipEntity, VillageEntity, CooperativeEntity, MemberEntity, ContributionEntity,
    GuaranteeGroupEntity, GuaranteeGroupMemberEntity, InsurancePolicyEntity, ShareholdingEntity,
  ],
  migrations: membersMigrations,
  seed: membersSeedLayout,
  resolvers: [
    CountyResolver, TownshipResolver, VillageResolver, CooperativeResolver, MemberResolver, ContributionResolver,
    GuaranteeGroupResolver, InsuranceResolver, InternalResolver, IdentityResolver,
  ],
  orphanedTypes: [],
  references: () => ({
    Cooperative: cooperativeReference,
    Member: memberReference,
    County: { __resolveReference: (ref: { id: string }, ctx: Ctx) => countyById(ctx, parseId(ref.id)) },
  }),
  sagas: CONTRIBUTION_STEPS,
});
