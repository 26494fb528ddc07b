// Shim over libxml2's SAX2 push parser for logframe's XML sources.
// Debian's libxml2 headers pull in ICU when LIBXML_ICU_ENABLED is set, and that ICU clashes with
// Foundation's own copy in a clean debug build; the parser API needs none of it.
#ifndef LOGFRAME_CLIBXML2_SHIM_H
#define LOGFRAME_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#endif
