// Open MPI behind the Communicator interface. Declared in every build; defined (mpi_comm.cpp)
// only with MEDNER_MPI, so callers test that macro before using it.
#pragma once

#include "dist/communicator.h"

#include <memory>
#include <string>

namespace medner {

// Initialises MPI (funneled: only the calling thread makes MPI calls) on a duplicate of
// MPI_COMM_WORLD; MPI is finalised when the communicator is destroyed.
std::unique_ptr<Communicator> make_mpi_comm();

// The first line of MPI_Get_library_version (callable before MPI is initialised).
std::string mpi_library_version();

}  // namespace medner
