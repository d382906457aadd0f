// No `link` in the module map: pkg-config names the library (libmpi for Open MPI, libmpich for MPICH).
#include <stddef.h>
#include <mpi.h>
