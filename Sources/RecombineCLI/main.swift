// The `recombine` command (subcommands arrive with the method compiler and the trainer).
import RecombineTensor
print("recombine: the command line arrives with the method compiler; see README.md")
