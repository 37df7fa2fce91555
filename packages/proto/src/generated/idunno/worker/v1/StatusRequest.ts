// Original file: proto/worker.proto


export interface StatusRequest {
}

export interface StatusRequest__Output {
}
