// The one door from Swift to ncursesw. Swift cannot import ncurses' macros
// (COLOR_PAIR, A_*, getmaxyx) or use its mutable globals (stdscr, LINES, COLS,
// COLORS) safely under Swift 6 concurrency checking, so each gets a small
// static-inline shim with the `mt_` prefix.
#ifndef MEMTOP_CNCURSES_SHIM_H
#define MEMTOP_CNCURSES_SHIM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <poll.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *mt_stdscr(void) { return stdscr; }
static inline int mt_lines(void) { return LINES; }
static inline int mt_cols(void) { return COLS; }
static inline int mt_colors(void) { return COLORS; }
static inline int mt_color_pairs(void) { return COLOR_PAIRS; }
static inline int mt_color_pair(int n) { return (int)COLOR_PAIR(n); }

static inline unsigned int mt_a_normal(void) { return (unsigned int)A_NORMAL; }
static inline unsigned int mt_a_bold(void) { return (unsigned int)A_BOLD; }
static inline unsigned int mt_a_reverse(void) { return (unsigned int)A_REVERSE; }
static inline unsigned int mt_a_underline(void) { return (unsigned int)A_UNDERLINE; }
static inline unsigned int mt_a_dim(void) { return (unsigned int)A_DIM; }
static inline unsigned int mt_a_blink(void) { return (unsigned int)A_BLINK; }
static inline unsigned int mt_a_standout(void) { return (unsigned int)A_STANDOUT; }

static inline void mt_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }

/// Writes one wide character with attributes and colour pair at (y, x).
static inline int mt_put_wch(int y, int x, wchar_t ch, unsigned int attrs, short pair) {
    cchar_t cc;
    wchar_t s[2] = { ch, L'\0' };
    setcchar(&cc, s, (attr_t)attrs, pair, NULL);
    return mvadd_wch(y, x, &cc);
}

static inline int mt_get_wch(wint_t *ch) { return get_wch(ch); }

static inline int mt_key_resize(void) { return KEY_RESIZE; }
static inline int mt_key_mouse(void) { return KEY_MOUSE; }
static inline int mt_key_f(int n) { return KEY_F(n); }
static inline int mt_err(void) { return ERR; }
static inline int mt_ok(void) { return OK; }
static inline int mt_key_code_yes(void) { return KEY_CODE_YES; }

static inline unsigned long mt_button1_pressed(void) { return (unsigned long)BUTTON1_PRESSED; }
static inline unsigned long mt_button1_released(void) { return (unsigned long)BUTTON1_RELEASED; }
static inline unsigned long mt_all_mouse_events(void) { return (unsigned long)ALL_MOUSE_EVENTS; }
static inline unsigned long mt_button1_clicked(void) { return (unsigned long)(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED); }
static inline unsigned long mt_button4_pressed(void) { return (unsigned long)BUTTON4_PRESSED; }
#ifdef BUTTON5_PRESSED
static inline unsigned long mt_button5_pressed(void) { return (unsigned long)BUTTON5_PRESSED; }
#else
static inline unsigned long mt_button5_pressed(void) { return 0; }
#endif

/// Opens the terminal without initscr's exit(1) on a bad TERM: NULL instead.
static inline SCREEN *mt_newterm(void) { return newterm(NULL, stdout, stdin); }

/// The locale's character set after setlocale, e.g. "UTF-8".
static inline const char *mt_codeset(void) { return nl_langinfo(CODESET); }

// Signals. The handlers only set flags (async-signal-safe); the loop reads them between keys,
// restores the terminal and then exits or suspends. get_wch returns ERR when a signal
// interrupts its wait (no SA_RESTART), so the loop sees the flag promptly.
// The flags and the handler are defined once, in signals.c: a `static` here would give every
// translation unit its own copy, and the optimised build would set one and read another.
extern volatile sig_atomic_t mt_pending_terminate;
extern volatile sig_atomic_t mt_pending_suspend;
void mt_on_signal(int sig);

static inline void mt_set_signal_action(int sig, void (*handler)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/// Installs the handlers before newterm, so that ncurses does not install its own for these
/// (it does only where the action is SIG_DFL); ncurses keeps its SIGWINCH handler.
static inline void mt_install_signal_handlers(void) {
    mt_set_signal_action(SIGINT, mt_on_signal);
    mt_set_signal_action(SIGTERM, mt_on_signal);
    mt_set_signal_action(SIGHUP, mt_on_signal);
    mt_set_signal_action(SIGQUIT, mt_on_signal);
    mt_set_signal_action(SIGTSTP, mt_on_signal);
    // A parent may have left these blocked (posix_spawn passes its mask on); a blocked SIGINT
    // would leave the user no way out but kill -9.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGQUIT);
    sigaddset(&set, SIGTSTP);
    sigaddset(&set, SIGWINCH);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static inline void mt_restore_signal_handlers(void) {
    mt_set_signal_action(SIGINT, SIG_DFL);
    mt_set_signal_action(SIGTERM, SIG_DFL);
    mt_set_signal_action(SIGHUP, SIG_DFL);
    mt_set_signal_action(SIGQUIT, SIG_DFL);
    mt_set_signal_action(SIGTSTP, SIG_DFL);
}

/// The signal that asked the program to end (SIGINT, SIGTERM, SIGHUP, SIGQUIT), or 0; clears it.
static inline int mt_take_terminate(void) { int s = mt_pending_terminate; mt_pending_terminate = 0; return s; }

/// 1 if SIGTSTP (Ctrl-Z) arrived since the last call; clears it.
static inline int mt_take_suspend(void) { int s = mt_pending_suspend; mt_pending_suspend = 0; return s; }

/// Stops the process as SIGTSTP's default action would, and returns once SIGCONT resumes it.
/// The caller has already left curses mode (endwin).
static inline void mt_stop_self(void) {
    mt_set_signal_action(SIGTSTP, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTSTP);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(SIGTSTP);
    mt_set_signal_action(SIGTSTP, mt_on_signal);
}

/// 1 if the terminal on stdin is gone (its pty closed): get_wch would fail at once forever.
static inline int mt_input_hung_up(void) {
    struct pollfd p = { 0, POLLIN, 0 };
    if (poll(&p, 1, 0) < 0) return 0;
    return (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static inline int mt_isatty(int fd) { return isatty(fd); }

#endif

