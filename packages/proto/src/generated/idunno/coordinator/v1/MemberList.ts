// Original file: proto/coordinator.proto

import type { Member as _idunno_coordinator_v1_Member, Member__Output as _idunno_coordinator_v1_Member__Output } from '../../../idunno/coordinator/v1/Member.js';

export interface MemberList {
  'members'?: (_idunno_coordinator_v1_Member)[];
}

export interface MemberList__Output {
  'members': (_idunno_coordinator_v1_Member__Output)[];
}
