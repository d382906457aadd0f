import RecombineTensor
print("recombine-bench: benchmarks arrive with the engine benchmark")
