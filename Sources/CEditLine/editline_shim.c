// Placeholder until the editor shim is written.
#include "CEditLine.h"
