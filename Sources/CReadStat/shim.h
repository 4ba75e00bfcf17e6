// ReadStat (Debian's libreadstat-dev): the C library under R haven and pyreadstat, for SAS
// transport (XPT) and SAS7BDAT files. Only Survival/Input/SASReader.swift uses it.
#include <readstat.h>
