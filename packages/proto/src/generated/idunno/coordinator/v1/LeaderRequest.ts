// Original file: proto/coordinator.proto


export interface LeaderRequest {
}

export interface LeaderRequest__Output {
}
