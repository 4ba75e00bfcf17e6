// CBLAS from OpenBLAS and LAPACKE from netlib (Debian builds OpenBLAS with NO_LAPACKE=1;
// liblapacke calls the LAPACK that the alternatives system points at OpenBLAS).
#include <cblas.h>
#include <lapacke.h>

// lapack_int is a macro, and Swift imports no type macros.
typedef lapack_int LAPACKInt;
