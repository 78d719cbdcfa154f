"""Made-up people and organisations with valid check characters.

Never a real person: the names are placeholders and the numbers are built
here from arbitrary address codes, birth dates and sequence numbers, then
given the check character GB 11643-1999 / GB 32100-2015 prescribe."""

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def id_number(area="140105", birth="19850312", seq="123"):
    body = area + birth + seq
    s = sum(int(c) * w for c, w in zip(body, ID_WEIGHTS))
    return body + ID_CHECK[s % 11]


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc(body="91140100MA0K1234X"):
    """body: the first 17 characters; returns them with the check character."""
    s = sum(USCC_CHARS.index(c) * w for c, w in zip(body, USCC_WEIGHTS))
    return body + USCC_CHARS[(31 - s % 31) % 31]
