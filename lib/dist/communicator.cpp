#include "dist/communicator.h"

#include "dist/mpi_comm.h"

#include <cstdlib>
#include <iostream>

namespace medner {

void LocalComm::abort(const std::string& message, int exit_code) {
  std::cerr << message << std::endl;
  std::exit(exit_code);
}

namespace {
// Set by the launchers: Open MPI's mpirun, PMIx (srun --mpi=pmix, prterun), PMI-1/2 (srun
// --mpi=pmi2, MPICH's hydra). Without them MPI_Init would make a lone "singleton" job, which
// is slower to start and no different from LocalComm.
[[maybe_unused]] bool launched_by_mpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(var) != nullptr) return true;
  return false;
}
}  // namespace

std::unique_ptr<Communicator> make_communicator() {
#ifdef MEDNER_MPI
  if (launched_by_mpi()) return make_mpi_comm();
#endif
  return std::make_unique<LocalComm>();
}

std::string dist_build_info() {
#ifdef MEDNER_MPI
  return "mpi: " + mpi_library_version();
#else
  return "mpi: off (built without MEDNER_MPI; mpirun starts independent single-process trainings)";
#endif
}

}  // namespace medner
