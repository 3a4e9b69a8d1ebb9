/// Every op definition the engine ships; `OpRegistry` indexes this list by op type.
let allOps: [any OpDefinition.Type] = [
    ActivationOps.self,
    UnaryMathOps.self,
    BinaryOps.self,
    ReshapeOps.self,
    TransposeOp.self,
    SliceOp.self,
    PadOp.self,
    GatherOp.self,
    ConcatOp.self,
    SplitOp.self,
    TileOp.self,
    ExpandOp.self,
    ShapeOps.self,
    ConstantOp.self,
    ConstantOfShapeOp.self,
]
