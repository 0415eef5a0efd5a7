// The signal flags, defined once for the whole program (see shim.h).
#include "shim.h"

volatile sig_atomic_t mt_pending_terminate = 0;
volatile sig_atomic_t mt_pending_suspend = 0;

/// Only sets a flag: async-signal-safe.
void mt_on_signal(int sig) {
    if (sig == SIGTSTP) mt_pending_suspend = 1;
    else mt_pending_terminate = sig;
}
