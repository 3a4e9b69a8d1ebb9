/// Every op definition the engine ships; `OpRegistry` indexes this list by op type.
let allOps: [any OpDefinition.Type] = [
    ActivationOps.self,
    UnaryMathOps.self,
    BinaryOps.self,
    ConvOp.self,
    ConvTransposeOp.self,
    GemmOp.self,
    MatMulOp.self,
    PoolOps.self,
    GlobalPoolOps.self,
    BatchNormalizationOp.self,
    InstanceNormalizationOp.self,
    LayerNormalizationOp.self,
    PReluOp.self,
    RecurrentOps.self,
]
