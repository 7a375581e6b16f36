import 'reflect-metadata';
import { Arg, Ctx as GqlCtx, Directive, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { Ctx } from '../lib/context';
import { MaxChars } from '../lib/input-check';
import { memberIdentities } from './identity.service';

/** A household's full identity number, for an internal caller that files it (SERVICE only). */
@Directive('@inaccessible')
@ObjectType({ simpleResolvers: true, description: 'Internal: a member household\'s full identity number (身份证号，内部)' })
export class MemberIdentity {
  @Field(() => Int, { description: 'Member id (社员编号)' }) memberId!: number;
  @Field({ description: 'Resident identity number of the head of household, 18 characters (身份证号)' }) idNumber!: string;
}

/** Identity numbers for the loans subgraph's county credit-reference export; audited per household. */
@Resolver()
export class IdentityResolver {
  @Directive('@inaccessible')
  @Query(() => [MemberIdentity], {
    description: 'Internal: full identity numbers of these members, for the person the service call is made for and within their scope, each read recorded in the member\'s audit trail (身份证号调取，内部)',
  })
  _memberIdentities(
    @Arg('memberIds', () => [Int], { description: 'Members whose numbers are needed (社员编号)' }) memberIds: number[],
    @MaxChars(200) @Arg('purpose', { description: 'Why the numbers are read, kept in the audit trail (调取用途)' }) purpose: string,
    @GqlCtx() ctx: Ctx,
  ): Promise<MemberIdentity[]> {
    return memberIdentities(ctx, memberIds, purpose).then((rs) => rs.map((r) => Object.assign(new MemberIdentity(), r)));
  }
}
