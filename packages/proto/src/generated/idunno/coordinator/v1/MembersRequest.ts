// Original file: proto/coordinator.proto


export interface MembersRequest {
}

export interface MembersRequest__Output {
}
