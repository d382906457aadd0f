// Users of this module get the tensor engine with it.
@_exported import RecombineTensor
