/*
 * write_compressed_sas7bdat.c -- copy a SAS file into a row-compressed (RLE,
 * "SASYZCRL") sas7bdat file with libreadstat. Used by make_adam.R to write
 * Datasets/adam/adtte_compressed.sas7bdat. The data are SIMULATED (see
 * Datasets/README.md); this program only changes the file's storage layout.
 *
 * Usage:
 *     write_compressed_sas7bdat INPUT OUTPUT TIMESTAMP
 *
 * INPUT is a .sas7bdat or .xpt file (chosen by the extension). OUTPUT is
 * written as a sas7bdat file with readstat_writer_set_compression(writer,
 * READSTAT_COMPRESS_ROWS). TIMESTAMP (seconds since 1970-01-01) becomes the
 * file's creation and modification time, so that the output is byte-identical
 * on every run (run with TZ=UTC: libreadstat converts to SAS's 1960 epoch in
 * local time).
 *
 * The whole input is read into memory first (the fixture has 146 rows), then
 * written with the same variable names, types, storage widths, labels,
 * formats, table name, file label and format version. System missing values
 * are written as system missing ('.'), SAS special missing values (.A-.Z, ._)
 * as tagged missing with the same tag. Every special missing value met is
 * reported on stdout as "tagged_missing row=<1-based row> var=<name> tag=<c>",
 * which make_adam.R uses as an independent check (Debian's libreadstat rather
 * than the copy bundled in haven or pyreadstat) that the .A survives.
 *
 * Build (make_adam.R does this into a temporary directory; never commit the
 * binary):
 *     gcc -O2 -Wall -o write_compressed_sas7bdat write_compressed_sas7bdat.c -lreadstat
 *
 * Written against libreadstat 1.1.8 (Debian package libreadstat-dev).
 */
#include <readstat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

typedef struct {
    char *name, *label, *format;
    readstat_type_t type;
    size_t storage_width;
    int display_width;
} var_t;

typedef struct {
    double d;
    char *s;         /* strings: owned copy ("" if missing) */
    int missing;     /* 0 = value, 1 = system missing, 2 = tagged missing */
    char tag;
} cell_t;

typedef struct {
    long nrow;       /* rows seen so far */
    long cap;        /* rows allocated */
    int nvar;
    var_t *vars;
    cell_t *cells;   /* cap * nvar, row major */
    char *table_name, *file_label;
    long format_version;
    int is_64bit;
} table_t;

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

static void die(const char *what, readstat_error_t err) {
    fprintf(stderr, "write_compressed_sas7bdat: %s: %s\n", what, readstat_error_message(err));
    exit(1);
}

static int on_metadata(readstat_metadata_t *m, void *ctx) {
    table_t *t = ctx;
    /* The xport parser does not know the row count here (it reports -1), so
     * rows and variables are allocated as they arrive. */
    t->table_name = dup_or_empty(readstat_get_table_name(m));
    t->file_label = dup_or_empty(readstat_get_file_label(m));
    t->format_version = readstat_get_file_format_version(m);
    t->is_64bit = readstat_get_file_format_is_64bit(m);
    return READSTAT_HANDLER_OK;
}

static int on_variable(int index, readstat_variable_t *v, const char *val_labels, void *ctx) {
    table_t *t = ctx;
    (void)val_labels;
    if (index >= t->nvar) {
        t->vars = realloc(t->vars, (size_t)(index + 1) * sizeof(var_t));
        memset(t->vars + t->nvar, 0, (size_t)(index + 1 - t->nvar) * sizeof(var_t));
        t->nvar = index + 1;
    }
    var_t *o = &t->vars[index];
    o->name = dup_or_empty(readstat_variable_get_name(v));
    o->label = dup_or_empty(readstat_variable_get_label(v));
    o->format = dup_or_empty(readstat_variable_get_format(v));
    o->type = readstat_variable_get_type(v);
    o->storage_width = readstat_variable_get_storage_width(v);
    o->display_width = readstat_variable_get_display_width(v);
    return READSTAT_HANDLER_OK;
}

static int on_value(int obs, readstat_variable_t *v, readstat_value_t value, void *ctx) {
    table_t *t = ctx;
    int j = readstat_variable_get_index(v);
    if (obs >= t->cap) {
        long cap = t->cap ? 2 * t->cap : 256;
        while (cap <= obs) cap *= 2;
        t->cells = realloc(t->cells, (size_t)cap * t->nvar * sizeof(cell_t));
        memset(t->cells + (size_t)t->cap * t->nvar, 0, (size_t)(cap - t->cap) * t->nvar * sizeof(cell_t));
        t->cap = cap;
    }
    if (obs >= t->nrow) t->nrow = obs + 1;
    cell_t *c = &t->cells[(size_t)obs * t->nvar + j];
    if (readstat_value_type(value) == READSTAT_TYPE_STRING) {
        c->s = dup_or_empty(readstat_string_value(value));
        return READSTAT_HANDLER_OK;
    }
    if (readstat_value_is_tagged_missing(value)) {
        c->missing = 2;
        c->tag = readstat_value_tag(value);
        printf("tagged_missing row=%d var=%s tag=%c\n", obs + 1, t->vars[j].name, c->tag);
    } else if (readstat_value_is_system_missing(value)) {
        c->missing = 1;
    } else {
        c->d = readstat_double_value(value);
    }
    return READSTAT_HANDLER_OK;
}

static ssize_t write_bytes(const void *data, size_t len, void *ctx) {
    return write(*(int *)ctx, data, len);
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s INPUT(.sas7bdat|.xpt) OUTPUT.sas7bdat TIMESTAMP\n", argv[0]);
        return 2;
    }
    table_t t;
    memset(&t, 0, sizeof t);
    readstat_error_t err;

    readstat_parser_t *parser = readstat_parser_init();
    readstat_set_metadata_handler(parser, on_metadata);
    readstat_set_variable_handler(parser, on_variable);
    readstat_set_value_handler(parser, on_value);
    if (ends_with(argv[1], ".xpt"))
        err = readstat_parse_xport(parser, argv[1], &t);
    else
        err = readstat_parse_sas7bdat(parser, argv[1], &t);
    readstat_parser_free(parser);
    if (err != READSTAT_OK) die(argv[1], err);

    int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { perror(argv[2]); return 1; }

    readstat_writer_t *w = readstat_writer_init();
    readstat_set_data_writer(w, write_bytes);
    if ((err = readstat_writer_set_compression(w, READSTAT_COMPRESS_ROWS)) != READSTAT_OK)
        die("set_compression", err);
    readstat_writer_set_file_timestamp(w, (time_t)atol(argv[3]));
    if (t.table_name[0]) readstat_writer_set_table_name(w, t.table_name);
    if (t.file_label[0]) readstat_writer_set_file_label(w, t.file_label);
    /* An xpt input reports its own version (5 or 8); sas7bdat uses 9. */
    if (ends_with(argv[1], ".sas7bdat")) {
        readstat_writer_set_file_format_version(w, (uint8_t)t.format_version);
        readstat_writer_set_file_format_is_64bit(w, t.is_64bit);
    }

    readstat_variable_t **out = calloc(t.nvar, sizeof *out);
    for (int j = 0; j < t.nvar; j++) {
        var_t *v = &t.vars[j];
        out[j] = readstat_add_variable(w, v->name, v->type, v->storage_width);
        if (v->label[0]) readstat_variable_set_label(out[j], v->label);
        if (v->format[0]) readstat_variable_set_format(out[j], v->format);
        if (v->display_width > 0) readstat_variable_set_display_width(out[j], v->display_width);
    }

    if ((err = readstat_begin_writing_sas7bdat(w, &fd, t.nrow)) != READSTAT_OK)
        die("begin_writing_sas7bdat", err);
    for (long i = 0; i < t.nrow; i++) {
        if ((err = readstat_begin_row(w)) != READSTAT_OK) die("begin_row", err);
        for (int j = 0; j < t.nvar; j++) {
            cell_t *c = &t.cells[(size_t)i * t.nvar + j];
            if (t.vars[j].type == READSTAT_TYPE_STRING)
                err = readstat_insert_string_value(w, out[j], c->s ? c->s : "");
            else if (c->missing == 2)
                err = readstat_insert_tagged_missing_value(w, out[j], c->tag);
            else if (c->missing == 1)
                err = readstat_insert_missing_value(w, out[j]);
            else
                err = readstat_insert_double_value(w, out[j], c->d);
            if (err != READSTAT_OK) die("insert value", err);
        }
        if ((err = readstat_end_row(w)) != READSTAT_OK) die("end_row", err);
    }
    if ((err = readstat_end_writing(w)) != READSTAT_OK) die("end_writing", err);
    readstat_writer_free(w);
    close(fd);
    return 0;
}
