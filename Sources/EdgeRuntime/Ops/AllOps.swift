/// Every op definition the engine ships; `OpRegistry` indexes this list by op type.
/// Immutable after initialisation, hence safe to share across threads.
nonisolated(unsafe) let allOps: [any OpDefinition.Type] = [
    ActivationOps.self,
    UnaryMathOps.self,
    BinaryOps.self,
]
