// A small shim over libedit's native API. The declarations below are libedit's own (histedit.h,
// libedit 3.1), repeated here so that building needs only the runtime library libedit.so.2 and no
// -dev package; the types are opaque pointers and the constants are part of libedit's stable ABI.
// Where histedit.h is installed it is included as well, so the compiler checks the two agree.
#define _GNU_SOURCE
#include "CEditLine.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libedit's interface as this shim uses it (libedit 3.1). The constants and the two structures are
 * written once, under our own names, and used through libedit's names below. */
enum {
    OP_CC_REFRESH = 4, OP_CC_ERROR = 6, OP_CC_REDISPLAY = 8,
    OP_EL_PROMPT = 0, OP_EL_EDITOR = 2, OP_EL_SIGNAL = 3, OP_EL_BIND = 4, OP_EL_ADDFN = 9, OP_EL_HIST = 10,
    OP_EL_REFRESH = 20, OP_EL_PROMPT_ESC = 21,
    OP_H_SETSIZE = 1, OP_H_ENTER = 10, OP_H_SETUNIQUE = 20,
};
struct oneproxy_lineinfo {
    const char *buffer;
    const char *cursor;
    const char *lastchar;
};
struct oneproxy_histevent {
    int num;
    const char *str;
};

/* Where libedit's own header is installed (libedit-dev; CI installs it), include it too: every
 * declaration below is then a redeclaration the compiler checks against libedit's, and the
 * assertions check the constants and the structures' layout, so a mismatch fails the build. */
#if defined(__has_include)
#if __has_include(<histedit.h>)
#include <histedit.h>
#define ONEPROXY_HAVE_HISTEDIT 1
#endif
#endif

#ifdef ONEPROXY_HAVE_HISTEDIT
#include <stddef.h>
#define ONEPROXY_SAME(name) _Static_assert(name == OP_##name, "libedit's " #name " differs from the shim's")
ONEPROXY_SAME(CC_REFRESH); ONEPROXY_SAME(CC_ERROR); ONEPROXY_SAME(CC_REDISPLAY);
ONEPROXY_SAME(EL_PROMPT); ONEPROXY_SAME(EL_EDITOR); ONEPROXY_SAME(EL_SIGNAL); ONEPROXY_SAME(EL_BIND);
ONEPROXY_SAME(EL_ADDFN); ONEPROXY_SAME(EL_HIST); ONEPROXY_SAME(EL_REFRESH); ONEPROXY_SAME(EL_PROMPT_ESC);
ONEPROXY_SAME(H_SETSIZE); ONEPROXY_SAME(H_ENTER); ONEPROXY_SAME(H_SETUNIQUE);
_Static_assert(sizeof(LineInfo) == sizeof(struct oneproxy_lineinfo), "LineInfo's size differs");
_Static_assert(offsetof(LineInfo, cursor) == offsetof(struct oneproxy_lineinfo, cursor), "LineInfo.cursor moved");
_Static_assert(offsetof(LineInfo, lastchar) == offsetof(struct oneproxy_lineinfo, lastchar), "LineInfo.lastchar moved");
_Static_assert(sizeof(HistEvent) == sizeof(struct oneproxy_histevent), "HistEvent's size differs");
_Static_assert(offsetof(HistEvent, str) == offsetof(struct oneproxy_histevent, str), "HistEvent.str moved");
#else
typedef struct editline EditLine;
typedef struct history History;
typedef struct oneproxy_lineinfo LineInfo;
typedef struct oneproxy_histevent HistEvent;
#define CC_REFRESH OP_CC_REFRESH
#define CC_REDISPLAY OP_CC_REDISPLAY
#define CC_ERROR OP_CC_ERROR
#define EL_PROMPT OP_EL_PROMPT
#define EL_PROMPT_ESC OP_EL_PROMPT_ESC
#define EL_EDITOR OP_EL_EDITOR
#define EL_SIGNAL OP_EL_SIGNAL
#define EL_BIND OP_EL_BIND
#define EL_ADDFN OP_EL_ADDFN
#define EL_HIST OP_EL_HIST
#define EL_REFRESH OP_EL_REFRESH
#define H_SETSIZE OP_H_SETSIZE
#define H_ENTER OP_H_ENTER
#define H_SETUNIQUE OP_H_SETUNIQUE
#endif

/* The functions used, declared as libedit declares them (checked against histedit.h when present). */
EditLine *el_init(const char *, FILE *, FILE *, FILE *);
void el_end(EditLine *);
void el_reset(EditLine *);
const char *el_gets(EditLine *, int *);
int el_set(EditLine *, int, ...);
int el_get(EditLine *, int, ...);
const LineInfo *el_line(EditLine *);
int el_insertstr(EditLine *, const char *);
void el_deletestr(EditLine *, int);
void el_beep(EditLine *);
int el_source(EditLine *, const char *);
History *history_init(void);
void history_end(History *);
int history(History *, HistEvent *, int, ...);

static EditLine *el;
static History *hist;
static HistEvent ev;
static const char *current_prompt = "";
static oneproxy_complete_fn completer;
static void *completer_context;
static volatile sig_atomic_t sigint_flag;

static char *prompt_fn(EditLine *e) {
    (void)e;
    return (char *)current_prompt;
}

static void sigint_handler(int sig) {
    (void)sig;
    sigint_flag = 1;
}

void oneproxy_sigint_install(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = sigint_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; // no SA_RESTART: a blocking read returns EINTR so the line can be cancelled
    sigaction(SIGINT, &sa, NULL);
}

int oneproxy_sigint_take(void) {
    int v = sigint_flag;
    sigint_flag = 0;
    return v;
}

int oneproxy_sigint_peek(void) { return sigint_flag; }

// Tab: ask Swift for candidates; insert the longest common prefix, or list them all.
static unsigned char complete_fn(EditLine *e, int ch) {
    (void)ch;
    if (!completer) return CC_ERROR;
    const LineInfo *li = el_line(e);
    size_t len = (size_t)(li->cursor - li->buffer);
    char *upto = malloc(len + 1);
    if (!upto) return CC_ERROR;
    memcpy(upto, li->buffer, len);
    upto[len] = 0;
    int start = (int)len;
    char *list = completer(completer_context, upto, &start);
    if (!list || !*list) {
        free(upto);
        free(list);
        return CC_ERROR;
    }
    const char *word = upto + start;
    size_t wlen = len - (size_t)start;
    // Count candidates and their common prefix.
    int count = 0;
    size_t common = 0;
    const char *first = list;
    for (const char *p = list; *p; p += strlen(p) + 1) {
        if (count == 0) common = strlen(p);
        else {
            size_t k = 0;
            while (k < common && p[k] && p[k] == first[k]) k++;
            common = k;
        }
        count++;
    }
    unsigned char rc = CC_REFRESH;
    if (common > wlen || count == 1) {
        el_deletestr(e, (int)wlen);
        char *ins = strndup(first, common);
        el_insertstr(e, ins);
        free(ins);
        if (count == 1) {
            size_t n = strlen(first);
            // No space after a folder, a closing quote, or an option's '=' (its value follows).
            if (n == 0 || (first[n - 1] != '/' && first[n - 1] != '"' && first[n - 1] != '=')) el_insertstr(e, " ");
        }
    } else {
        // List the candidates under the line, then redraw it.
        fputc('\n', stdout);
        int col = 0;
        for (const char *p = list; *p; p += strlen(p) + 1) {
            int w = (int)strlen(p) + 2;
            if (col + w > 100 && col > 0) {
                fputc('\n', stdout);
                col = 0;
            }
            fprintf(stdout, "%s  ", p);
            col += w;
        }
        fputc('\n', stdout);
        fflush(stdout);
        rc = CC_REDISPLAY;
    }
    free(upto);
    free(list);
    return rc;
}

int oneproxy_el_start(const char *prog, int history_size) {
    el = el_init(prog, stdin, stdout, stderr);
    if (!el) return -1;
    hist = history_init();
    if (hist) {
        history(hist, &ev, H_SETSIZE, history_size > 0 ? history_size : 1000);
        history(hist, &ev, H_SETUNIQUE, 1);
        el_set(el, EL_HIST, history, hist);
    }
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_SIGNAL, 1);
    el_set(el, EL_PROMPT_ESC, prompt_fn, (int)'\1'); // \1 … \1 brackets non-printing colour codes
    el_set(el, EL_ADDFN, "oneproxy-complete", "complete a word", complete_fn);
    el_set(el, EL_BIND, "^I", "oneproxy-complete", NULL);
    el_set(el, EL_BIND, "^R", "em-inc-search-prev", NULL);
    el_set(el, EL_BIND, "\\e[1;5C", "em-next-word", NULL);
    el_set(el, EL_BIND, "\\e[1;5D", "ed-prev-word", NULL);
    el_source(el, NULL); // the user's ~/.editrc, if any
    return 0;
}

void oneproxy_el_set_completer(oneproxy_complete_fn fn, void *context) { completer = fn; completer_context = context; }

char *oneproxy_el_readline(const char *prompt, int *status) {
    *status = 0;
    current_prompt = prompt;
    if (!el) {
        *status = 1;
        return NULL;
    }
    int count = 0;
    sigint_flag = 0;
    const char *line = el_gets(el, &count);
    if (sigint_flag) {
        sigint_flag = 0;
        el_reset(el);
        fputc('\n', stdout);
        fflush(stdout);
        *status = 2;
        return NULL;
    }
    if (!line || count <= 0) {
        *status = 1;
        return NULL;
    }
    char *copy = strdup(line);
    size_t n = strlen(copy);
    while (n > 0 && (copy[n - 1] == '\n' || copy[n - 1] == '\r')) copy[--n] = 0;
    return copy;
}

void oneproxy_el_add_history(const char *line) {
    if (!hist || !line || !*line) return;
    history(hist, &ev, H_ENTER, line);
}

void oneproxy_el_end(void) {
    if (el) el_end(el);
    if (hist) history_end(hist);
    el = NULL;
    hist = NULL;
}
