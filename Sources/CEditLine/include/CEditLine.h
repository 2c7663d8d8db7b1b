#ifndef CEDITLINE_H
#define CEDITLINE_H
/* A small shim over libedit (BSD editline). It declares the few libedit functions it needs itself
 * (see editline_shim.c) and links the runtime library libedit.so.2, so no -dev package is needed.
 * Swift cannot call libedit's variadic el_set/history, hence plain C entry points here. */

/* Completion callback: given the context pointer passed to oneproxy_el_set_completer (the caller's
 * session) and the line up to the cursor, return a malloc'd, NUL-separated,
 * double-NUL-terminated list of candidate replacements for the word before the cursor, and set
 * *word_start to the byte offset where that word starts. Return NULL for no candidates. */
typedef char *_Nullable (*oneproxy_complete_fn)(void *_Nullable context, const char *_Nonnull line_to_cursor, int *_Nonnull word_start);

/* Start the editor on stdin/stdout/stderr with a program name and the number of history entries it
 * keeps in memory. The history file is the caller's (OneProxyShell's HistoryFile): libedit never
 * reads or writes it. */
int oneproxy_el_start(const char *_Nonnull prog, int history_size);
/* Read one line with the prompt. Returns a malloc'd string without its newline (caller frees), or NULL.
 * On NULL, *status is 1 for end of input (Ctrl-D on an empty line), 2 when Ctrl-C cancelled the line. */
char *_Nullable oneproxy_el_readline(const char *_Nonnull prompt, int *_Nonnull status);
/* Add a line to the editor's history in memory (the caller appends it to the file). */
void oneproxy_el_add_history(const char *_Nonnull line);
/* The completer and the context pointer it is called with (kept as given, not retained). */
void oneproxy_el_set_completer(oneproxy_complete_fn _Nullable fn, void *_Nullable context);
void oneproxy_el_end(void);
/* Install a SIGINT handler that only sets a flag (no SA_RESTART); read and clear the flag. */
void oneproxy_sigint_install(void);
int oneproxy_sigint_take(void);
int oneproxy_sigint_peek(void);

#endif
