/* binding_report.h -- the report functions of triscope._native
 * (write_report, render_profile). */
#ifndef TRISCOPE_BINDING_REPORT_H
#define TRISCOPE_BINDING_REPORT_H

#include <Python.h>

/* NULL-terminated; added to the module by PyInit__native. */
extern PyMethodDef ts_report_methods[];

#endif
