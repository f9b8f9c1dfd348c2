/* software.h — what product a STUN/TURN SOFTWARE attribute (RFC 8489
 * §14.14) names. Unknown strings stay raw. Pure C, no epan.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_SOFTWARE_H
#define WRTC_SOFTWARE_H

#include <stdbool.h>
#include <stddef.h>

/* Fills `product` (and `version` when the string carries one, else "").
 * Returns false, with both empty, for a string not in the table. */
bool wrtc_software_identify(const char *software, char *product, size_t plen,
                            char *version, size_t vlen);

#endif
