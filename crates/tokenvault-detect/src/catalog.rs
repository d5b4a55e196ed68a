//! The built-in categories: their wire names (seed 003), placeholder labels, recognizer packs,
//! default severities and the context words that raise a finding's confidence.

use tokenvault_core::policy::Severity;

/// A built-in category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Category {
    /// E-mail address.
    Email,
    /// Phone number outside a locale pack's own category.
    Phone,
    /// Payment card number.
    CreditCard,
    /// International bank account number.
    Iban,
    /// IPv4 or IPv6 address.
    IpAddress,
    /// Web address.
    Url,
    /// MAC address.
    MacAddress,
    /// Bitcoin or Ethereum address.
    CryptoWallet,
    /// Calendar date.
    Date,
    /// US Social Security number.
    UsSsn,
    /// US Individual Taxpayer Identification Number.
    UsItin,
    /// US passport number.
    UsPassport,
    /// US ABA bank routing number.
    UsAbaRouting,
    /// Canadian Social Insurance Number.
    CaSin,
    /// Turkish national identity number.
    TcKimlik,
    /// Turkish phone number.
    TrPhone,
    /// UK National Insurance number.
    GbNino,
    /// UK NHS number.
    GbNhs,
    /// German tax identification number (Steuer-IdNr).
    DeTaxId,
    /// Spanish DNI/NIF.
    EsNif,
    /// Spanish foreigner number (NIE).
    EsNie,
    /// Indian Aadhaar number.
    InAadhaar,
    /// Indian PAN.
    InPan,
    /// French social security number (NIR).
    FrNir,
    /// Dutch citizen service number (BSN).
    NlBsn,
    /// Australian tax file number.
    AuTfn,
    /// Australian Medicare card number.
    AuMedicare,
    /// Polish national identification number.
    PlPesel,
    /// Brazilian individual taxpayer number.
    BrCpf,
    /// Australian Business Number.
    AuAbn,
    /// Australian Company Number.
    AuAcn,
    /// US National Provider Identifier (health care providers).
    UsNpi,
    /// Swedish personal identity number (personnummer).
    SePersonnummer,
    /// Swedish organisation number (organisationsnummer).
    SeOrgnr,
    /// South African identity number.
    ZaId,
    /// Korean resident registration number.
    KrRrn,
    /// Thai personal identification number.
    ThPin,
    /// Finnish personal identity code (henkilötunnus).
    FiHetu,
    /// Italian VAT number (partita IVA).
    ItVat,
    /// Italian fiscal code (codice fiscale).
    ItFiscalCode,
    /// German VAT identification number (USt-IdNr).
    DeVat,
    /// US Medicare Beneficiary Identifier.
    UsMbi,
    /// Indian Goods and Services Tax identification number.
    InGstin,
    /// Nigerian National Identification Number.
    NgNin,
    /// Philippine Taxpayer Identification Number.
    PhTin,
    /// Indian voter id (EPIC number).
    InVoterId,
    /// US bank account number.
    UsBankAccount,
    /// Spanish passport number.
    EsPassport,
    /// Korean passport number.
    KrPassport,
    /// Korean business registration number.
    KrBrn,
    /// Korean driving licence number.
    KrDrivingLicence,
    /// Singapore Unique Entity Number.
    SgUen,
    /// German passport number.
    DePassport,
    /// German identity card number.
    DeIdCard,
    /// German commercial register number (Handelsregister).
    DeHandelsregister,
    /// German vehicle registration plate.
    DePlate,
    /// Turkish vehicle registration plate.
    TrPlate,
    /// Nigerian vehicle registration plate.
    NgPlate,
    /// UK passport number.
    GbPassport,
    /// UK (DVLA) driving licence number.
    GbDrivingLicence,
    /// UK postcode.
    GbPostcode,
    /// UK vehicle registration mark.
    GbVehicleReg,
    /// Indian passport number.
    InPassport,
    /// Indian vehicle registration mark.
    InVehicleReg,
    /// Italian passport number.
    ItPassport,
    /// Italian identity card number.
    ItIdCard,
    /// Italian driving licence number.
    ItDrivingLicence,
    /// US driver licence number.
    UsDriverLicence,
    /// German postcode (Postleitzahl).
    DePostcode,
    /// German driving licence number.
    DeDrivingLicence,
    /// German health insurance number (Krankenversichertennummer).
    DeHealthInsurance,
    /// German social security (pension insurance) number.
    DeSvnr,
    /// German lifelong physician number (LANR).
    DeLanr,
    /// German practice number (BSNR).
    DeBsnr,
    /// Singapore NRIC or FIN.
    SgNric,
    /// US DEA registration number (a prescriber's licence).
    UsDea,
    /// German tax number (Steuernummer).
    DeTaxNumber,
    /// A person's name.
    Person,
    /// A street address (house number, street, unit, postcode, city, region).
    Address,
    /// A company or other organization.
    Organization,
    /// A city, region or country named alone (off unless a policy lists it).
    Location,
}

/// What the catalog says about a category.
#[derive(Debug)]
pub struct CategoryInfo {
    /// The category.
    pub category: Category,
    /// Wire name (`creditCard`, `tc_kimlik`).
    pub name: &'static str,
    /// Label in placeholders and redactions (`CREDITCARD`, `TC_KIMLIK`).
    pub label: &'static str,
    /// The recognizer pack (`global`, `us`, `tr`, …) a policy's `languages` must name.
    pub pack: &'static str,
    /// Severity unless the policy overrides it.
    pub severity: Severity,
    /// How a match is validated (for the documentation and `GET` of the catalog).
    pub validation: &'static str,
    /// Lower-case words that, found shortly before a match, raise its confidence.
    pub context: &'static [&'static str],
}

use Category as C;
use Severity::{High, Low, Medium};

/// Every built-in category, in the order that breaks ties between equally confident findings.
pub static CATEGORIES: &[CategoryInfo] = &[
    CategoryInfo { category: C::Iban, name: "iban", label: "IBAN", pack: "global", severity: High,
        validation: "country code with that country's IBAN length, ISO 13616 mod-97 check digits",
        context: &["iban", "account", "konto", "hesap", "cuenta", "bank", "wire", "transfer"] },
    CategoryInfo { category: C::CreditCard, name: "creditCard", label: "CREDITCARD", pack: "global", severity: High,
        validation: "13-19 digits with a known issuer prefix (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro), Luhn check digit, consistent grouping",
        context: &["card", "credit", "debit", "visa", "mastercard", "amex", "kart", "karte", "tarjeta", "cc", "paid with", "payment"] },
    CategoryInfo { category: C::Email, name: "email", label: "EMAIL", pack: "global", severity: Medium,
        validation: "RFC 5321 shape: local part, one @, a domain of labels and an alphabetic top-level domain; length limits",
        context: &["email", "e-mail", "mail", "e-posta", "correo"] },
    CategoryInfo { category: C::CryptoWallet, name: "cryptoWallet", label: "CRYPTOWALLET", pack: "global", severity: High,
        validation: "Bitcoin Base58Check (P2PKH/P2SH, double SHA-256 checksum), Bitcoin Bech32/Bech32m (BIP 173/350 checksum), Ethereum 0x addresses (EIP-55 Keccak-256 checksum when mixed-case)",
        context: &["wallet", "bitcoin", "btc", "ethereum", "eth", "crypto", "address"] },
    CategoryInfo { category: C::TcKimlik, name: "tc_kimlik", label: "TC_KIMLIK", pack: "tr", severity: High,
        validation: "11 digits, first not 0, the two TC Kimlik check digits",
        context: &["tc", "kimlik", "tckn", "t.c.", "vatandaşlık", "identity", "national id"] },
    CategoryInfo { category: C::UsSsn, name: "us_ssn", label: "US_SSN", pack: "us", severity: High,
        validation: "AAA-GG-SSSS; area not 000, 666 or 900-999, group not 00, serial not 0000, advertised numbers refused; unformatted 9 digits need context",
        context: &["ssn", "social security", "social sec", "ss#", "ss #"] },
    CategoryInfo { category: C::UsItin, name: "us_itin", label: "US_ITIN", pack: "us", severity: High,
        validation: "9XX-GG-SSSS with group 50-65, 70-88, 90-92 or 94-99; unformatted needs context",
        context: &["itin", "taxpayer", "tax id"] },
    CategoryInfo { category: C::UsAbaRouting, name: "us_aba_routing", label: "US_ABA_ROUTING", pack: "us", severity: Medium,
        validation: "9 digits, Federal Reserve prefix (00-12, 21-32, 61-72, 80), 3-7-1 weighted checksum; needs context",
        context: &["routing", "aba", "rtn", "transit"] },
    CategoryInfo { category: C::UsPassport, name: "us_passport", label: "US_PASSPORT", pack: "us", severity: High,
        validation: "9 digits or a letter and 8 digits (next-generation books); needs context",
        context: &["passport"] },
    CategoryInfo { category: C::CaSin, name: "ca_sin", label: "CA_SIN", pack: "ca", severity: High,
        validation: "9 digits, first not 0 or 8, Luhn check digit; unformatted needs context",
        context: &["sin", "social insurance", "nas", "assurance sociale"] },
    CategoryInfo { category: C::GbNino, name: "gb_nino", label: "GB_NINO", pack: "gb", severity: High,
        validation: "two prefix letters from the allowed sets (not BG, GB, KN, NK, NT, TN, ZZ), six digits, suffix A-D; in lower case it needs context",
        context: &["national insurance", "nino", "ni number", "ni no"] },
    CategoryInfo { category: C::GbNhs, name: "gb_nhs", label: "GB_NHS", pack: "gb", severity: High,
        validation: "10 digits with the NHS modulus-11 check digit; unformatted needs context",
        context: &["nhs", "health service", "patient"] },
    CategoryInfo { category: C::DeTaxId, name: "de_tax_id", label: "DE_TAX_ID", pack: "de", severity: High,
        validation: "11 digits, first not 0, one digit repeated 2-3 times in the first ten, ISO 7064 MOD 11,10 check digit; needs context",
        context: &["steuer", "identifikationsnummer", "steuer-id", "idnr", "tax id", "tin"] },
    CategoryInfo { category: C::EsNif, name: "es_nif", label: "ES_NIF", pack: "es", severity: High,
        validation: "8 digits and the mod-23 control letter",
        context: &["dni", "nif", "documento"] },
    CategoryInfo { category: C::EsNie, name: "es_nie", label: "ES_NIE", pack: "es", severity: High,
        validation: "X, Y or Z, 7 digits and the mod-23 control letter",
        context: &["nie", "extranjero", "foreigner"] },
    CategoryInfo { category: C::InAadhaar, name: "in_aadhaar", label: "IN_AADHAAR", pack: "in", severity: High,
        validation: "12 digits, first 2-9, Verhoeff check digit",
        context: &["aadhaar", "aadhar", "uid", "uidai"] },
    CategoryInfo { category: C::InPan, name: "in_pan", label: "IN_PAN", pack: "in", severity: High,
        validation: "five letters (fourth names the holder type: P, C, H, A, B, G, J, L, F, T), four digits, a letter",
        context: &["pan", "permanent account", "income tax"] },
    CategoryInfo { category: C::FrNir, name: "fr_nir", label: "FR_NIR", pack: "fr", severity: High,
        validation: "15 digits: sex 1-2 (7-8 temporary), year, month 01-12 or 20-42/50+, department, commune, order, and the key 97 - (first 13 digits mod 97)",
        context: &["sécurité sociale", "securite sociale", "nir", "insee", "sécu", "numéro de sécurité"] },
    CategoryInfo { category: C::NlBsn, name: "nl_bsn", label: "NL_BSN", pack: "nl", severity: High,
        validation: "9 digits passing the 11-proef (weights 9..2 and -1); needs context",
        context: &["bsn", "burgerservicenummer", "sofinummer", "sofi"] },
    CategoryInfo { category: C::AuTfn, name: "au_tfn", label: "AU_TFN", pack: "au", severity: High,
        validation: "9 digits, weights 1,4,3,7,5,8,6,9,10, sum divisible by 11; needs context",
        context: &["tfn", "tax file"] },
    CategoryInfo { category: C::AuMedicare, name: "au_medicare", label: "AU_MEDICARE", pack: "au", severity: High,
        validation: "10 digits (and an optional issue number), first 2-6, weights 1,3,7,9,1,3,7,9 mod 10 = ninth digit",
        context: &["medicare"] },
    CategoryInfo { category: C::PlPesel, name: "pl_pesel", label: "PL_PESEL", pack: "pl", severity: High,
        validation: "11 digits: birth date (month offset by century) and the weighted check digit (1,3,7,9,…)",
        context: &["pesel"] },
    CategoryInfo { category: C::BrCpf, name: "br_cpf", label: "BR_CPF", pack: "br", severity: High,
        validation: "11 digits (000.000.000-00 or plain), not all one digit, both mod-11 check digits",
        context: &["cpf", "cadastro"] },
    CategoryInfo { category: C::AuAbn, name: "au_abn", label: "AU_ABN", pack: "au", severity: Medium,
        validation: "11 digits (plain or 2-3-3-3): subtract 1 from the first, weights 10,1,3,5,7,9,11,13,15,17,19, sum divisible by 89; unformatted needs context",
        context: &["abn", "australian business number", "business number"] },
    CategoryInfo { category: C::AuAcn, name: "au_acn", label: "AU_ACN", pack: "au", severity: Medium,
        validation: "9 digits (plain or 3-3-3): weights 8..1, check digit (10 - sum mod 10) mod 10; needs context",
        context: &["acn", "australian company number", "company number"] },
    CategoryInfo { category: C::UsNpi, name: "us_npi", label: "US_NPI", pack: "us", severity: Medium,
        validation: "10 digits, first 1 or 2, Luhn check digit over the prefix 80840 and the first nine (CMS); needs context",
        context: &["npi", "national provider", "provider identifier", "prescriber"] },
    CategoryInfo { category: C::SePersonnummer, name: "se_personnummer", label: "SE_PERSONNUMMER", pack: "sv", severity: High,
        validation: "YYMMDD-NNNN (- or + for 100 years and older) or YYYYMMDD-NNNN with a real date, Luhn over the last ten digits",
        context: &["personnummer", "personnr", "samordningsnummer", "personal identity number"] },
    CategoryInfo { category: C::SeOrgnr, name: "se_orgnr", label: "SE_ORGNR", pack: "sv", severity: Medium,
        validation: "NNNNNN-NNNN or 10 digits, third digit 2 or more, Luhn check digit; unformatted needs context",
        context: &["organisationsnummer", "org.nr", "orgnr", "org nr", "organisation number"] },
    CategoryInfo { category: C::ZaId, name: "za_id", label: "ZA_ID", pack: "za", severity: High,
        validation: "13 digits: birth date YYMMDD, gender digits, citizenship 0-2, and the Luhn check digit",
        context: &["id number", "identity number", "id no", "rsa id", "south african id"] },
    CategoryInfo { category: C::KrRrn, name: "kr_rrn", label: "KR_RRN", pack: "ko", severity: High,
        validation: "resident and foreigner registration numbers (RRN and FRN share the form; 5-8 are foreigners' sex digits) YYMMDD-SNNNNNC: birth date in the century its sex digit names (1-8; 9 and 0 for the 1800s), and the check digit (weights 2-9,2-5, 11 - sum mod 11, mod 10)",
        context: &["주민등록번호", "주민번호", "resident registration", "rrn"] },
    CategoryInfo { category: C::ThPin, name: "th_pin", label: "TH_PIN", pack: "th", severity: High,
        validation: "13 digits (plain or 1-4-5-2-1), first 1-8, check digit (11 - sum of digit x (13 - position) mod 11) mod 10",
        context: &["เลขประจำตัวประชาชน", "บัตรประชาชน", "national id", "thai id", "citizen id"] },
    CategoryInfo { category: C::FiHetu, name: "fi_hetu", label: "FI_HETU", pack: "fi", severity: High,
        validation: "DDMMYY, the century sign (+, -, U-Y, A-F), individual number 002-899 and the control character of DDMMYYZZZ mod 31, with a real date",
        context: &["henkilötunnus", "hetu", "sotu", "personbeteckning", "personal identity code"] },
    CategoryInfo { category: C::ItVat, name: "it_vat", label: "IT_VAT", pack: "it", severity: Medium,
        validation: "11 digits, a province office 001-100, 120, 121, 888 or 999, and the Luhn check digit; needs context",
        context: &["partita iva", "p.iva", "p. iva", "piva", "vat", "iva"] },
    CategoryInfo { category: C::ItFiscalCode, name: "it_fiscal_code", label: "IT_FISCAL_CODE", pack: "it", severity: High,
        validation: "16 characters: six letters, the birth year, month letter and day (+40 for women; digits may be the omocodia letters L-V), the place code, and the control letter of the 1976 decree (odd-position table, mod 26)",
        context: &["codice fiscale", "cod. fiscale", "c.f.", "cf", "fiscal code", "tax code"] },
    CategoryInfo { category: C::DeVat, name: "de_vat", label: "DE_VAT", pack: "de", severity: Medium,
        validation: "DE and nine digits, the first not 0, ISO 7064 MOD 11,10 check digit",
        context: &["ust-idnr", "ust-id", "umsatzsteuer", "vat", "vat id", "mwst"] },
    CategoryInfo { category: C::UsMbi, name: "us_mbi", label: "US_MBI", pack: "us", severity: High,
        validation: "11 characters as CMS specifies: 1-9, a letter, a letter or digit, a digit, a letter, a letter or digit, a digit, two letters, two digits (letters never S, L, O, I, B or Z), dashes after the 4th and 7th optional; needs context",
        context: &["mbi", "medicare beneficiary", "medicare number", "medicare id"] },
    CategoryInfo { category: C::InGstin, name: "in_gstin", label: "IN_GSTIN", pack: "in", severity: Medium,
        validation: "15 characters: state code 01-37, the holder's PAN (fourth letter a holder type), entity number, Z, and the Luhn mod 36 check character",
        context: &["gstin", "gst", "gst number", "gst no"] },
    CategoryInfo { category: C::NgNin, name: "ng_nin", label: "NG_NIN", pack: "ng", severity: High,
        validation: "11 digits (NIMC publishes no check digit); needs context",
        context: &["nin", "national identification number", "nimc", "national identity number"] },
    CategoryInfo { category: C::PhTin, name: "ph_tin", label: "PH_TIN", pack: "fil", severity: Medium,
        validation: "9 digits and an optional 3-digit branch code, in groups of three (BIR publishes no check digit); needs context",
        context: &["tin", "taxpayer identification", "bir"] },
    CategoryInfo { category: C::InVoterId, name: "in_voter_id", label: "IN_VOTER_ID", pack: "in", severity: High,
        validation: "EPIC number: three letters (the constituency's serial) and seven digits, the last a Luhn check digit of the six before it; needs context",
        context: &["voter id", "epic", "electoral photo", "voter card", "election card"] },
    CategoryInfo { category: C::UsBankAccount, name: "us_bank_account", label: "US_BANK_ACCOUNT", pack: "us", severity: High,
        validation: "8 to 17 digits, not all one digit (banks publish no common check digit); needs context",
        context: &["bank account", "account number", "acct", "checking account", "savings account", "account no"] },
    CategoryInfo { category: C::EsPassport, name: "es_passport", label: "ES_PASSPORT", pack: "es", severity: High,
        validation: "three letters and six digits (no check digit is printed); needs context",
        context: &["pasaporte", "passport", "n.º de pasaporte"] },
    CategoryInfo { category: C::KrPassport, name: "kr_passport", label: "KR_PASSPORT", pack: "ko", severity: High,
        validation: "M, S, R, O, D or G and eight digits (no check digit is printed); needs context",
        context: &["여권", "여권번호", "passport"] },
    CategoryInfo { category: C::KrBrn, name: "kr_brn", label: "KR_BRN", pack: "ko", severity: Medium,
        validation: "10 digits (3-2-5): tax office code 101 or more, business type not 00, serial not 0000 (python-stdnum's rules; no check digit is published); read after its label",
        context: &["사업자등록번호", "사업자번호", "business registration number", "brn"] },
    CategoryInfo { category: C::KrDrivingLicence, name: "kr_driving_licence", label: "KR_DRIVING_LICENCE", pack: "ko", severity: High,
        validation: "12 digits (2-2-6-2), the first two a regional code 11-28; read after its label",
        context: &["운전면허", "운전면허번호", "면허번호", "driver's license", "driving licence", "driver license"] },
    CategoryInfo { category: C::SgUen, name: "sg_uen", label: "SG_UEN", pack: "sg", severity: Medium,
        validation: "ACRA's three forms (business 8 digits, local company year and 5 digits, other entities R/S/T, year, entity type, 4 digits), each with its weighted check letter; a registration year not in the future; read after its label",
        context: &["uen", "unique entity number", "acra"] },
    CategoryInfo { category: C::DePassport, name: "de_passport", label: "DE_PASSPORT", pack: "de", severity: High,
        validation: "nine characters, the first C, F, G, H, J or K, then digits and the consonants the Bundesdruckerei uses; with a tenth, the ICAO 9303 7-3-1 check digit; read after its label",
        context: &["reisepass", "reisepassnummer", "passnummer", "pass-nr", "passport"] },
    CategoryInfo { category: C::DeIdCard, name: "de_id_card", label: "DE_ID_CARD", pack: "de", severity: High,
        validation: "nine characters of the identity card alphabet (digits and C F G H J K L M N P R T V W X Y Z, a letter first); with a tenth, the ICAO 9303 7-3-1 check digit; read after its label",
        context: &["personalausweis", "personalausweisnummer", "ausweisnummer", "ausweis-nr", "id card", "identity card"] },
    CategoryInfo { category: C::DeHandelsregister, name: "de_handelsregister", label: "DE_HANDELSREGISTER", pack: "de", severity: Low,
        validation: "the register type (HRA, HRB, GnR, VR, PR) and a number 1-999999 with an optional letter suffix, as python-stdnum's de.handelsregisternummer formats them",
        context: &["handelsregister", "registergericht", "amtsgericht", "vereinsregister", "partnerschaftsregister", "genossenschaftsregister", "registernummer"] },
    CategoryInfo { category: C::DePlate, name: "de_plate", label: "DE_PLATE", pack: "de", severity: Low,
        validation: "district code of 1-3 letters, a dash or space, 1-2 letters and 1-4 digits (E for electric, H for historic); read after its label",
        context: &["kennzeichen", "kfz-kennzeichen", "nummernschild", "amtliches kennzeichen", "license plate", "number plate"] },
    CategoryInfo { category: C::TrPlate, name: "tr_plate", label: "TR_PLATE", pack: "tr", severity: Low,
        validation: "province code 01-81, 1-3 letters and 2-4 digits; read after its label",
        context: &["plaka", "plakası", "araç plakası", "license plate", "number plate"] },
    CategoryInfo { category: C::NgPlate, name: "ng_plate", label: "NG_PLATE", pack: "ng", severity: Low,
        validation: "three letters (the local government code), three digits and two letters; read after its label",
        context: &["plate number", "number plate", "license plate", "plate no"] },
    CategoryInfo { category: C::GbPassport, name: "gb_passport", label: "GB_PASSPORT", pack: "gb", severity: High,
        validation: "nine digits (no check digit is printed); read after its label",
        context: &["passport", "passport number", "passport no", "uk passport", "british passport", "hm passport"] },
    CategoryInfo { category: C::GbDrivingLicence, name: "gb_driving_licence", label: "GB_DRIVING_LICENCE", pack: "gb", severity: High,
        validation: "DVLA's 16 characters: five of the surname, the birth decade, month (+50 for women), day and year digits, two initials, a digit and two check letters, with a real month and day; read after its label",
        context: &["driving licence", "driving license", "licence number", "dvla"] },
    CategoryInfo { category: C::GbPostcode, name: "gb_postcode", label: "GB_POSTCODE", pack: "gb", severity: Low,
        validation: "Royal Mail's outward and inward codes (A9 9AA to AA9A 9AA, GIR 0AA) with the letters each position excludes; read after its label (an address's postcode is part of the address reading)",
        context: &["postcode", "post code"] },
    CategoryInfo { category: C::GbVehicleReg, name: "gb_vehicle_reg", label: "GB_VEHICLE_REG", pack: "gb", severity: Low,
        validation: "current format (since 2001): two letters, the age identifier 02-29 or 51-79, three letters (never I or Q); read after its label",
        context: &["registration", "reg number", "vehicle registration", "number plate", "vrm"] },
    CategoryInfo { category: C::InPassport, name: "in_passport", label: "IN_PASSPORT", pack: "in", severity: High,
        validation: "a letter (not Q, X or Z), a digit 1-9, five digits and a digit 1-9; read after its label",
        context: &["passport", "passport number", "passport no", "indian passport"] },
    CategoryInfo { category: C::InVehicleReg, name: "in_vehicle_reg", label: "IN_VEHICLE_REG", pack: "in", severity: Low,
        validation: "a state or union-territory code from the ministry's list (or BH), the district number, up to three series letters and four digits; read after its label",
        context: &["vehicle number", "registration number", "vehicle registration", "rc number", "number plate"] },
    CategoryInfo { category: C::ItPassport, name: "it_passport", label: "IT_PASSPORT", pack: "it", severity: High,
        validation: "two letters and seven digits; read after its label",
        context: &["passaporto", "numero di passaporto", "passport"] },
    CategoryInfo { category: C::ItIdCard, name: "it_id_card", label: "IT_ID_CARD", pack: "it", severity: High,
        validation: "electronic card CA00000AA (C, a letter, five digits, two letters) or paper card two letters and seven digits; read after its label",
        context: &["carta d'identità", "carta di identità", "carta d'identita", "cie", "identity card"] },
    CategoryInfo { category: C::ItDrivingLicence, name: "it_driving_licence", label: "IT_DRIVING_LICENCE", pack: "it", severity: High,
        validation: "U1 and eight characters ending in a letter, or two letters, seven digits and a letter; read after its label",
        context: &["patente", "patente di guida", "driving licence"] },
    CategoryInfo { category: C::UsDriverLicence, name: "us_driver_licence", label: "US_DRIVER_LICENCE", pack: "us", severity: High,
        validation: "the states' shapes in general form: one or two letters and 4-14 digits, 7-12 digits, or 3-3-3 digits (states publish no common check digit); read after its label",
        context: &["driver's license", "drivers license", "driver license", "driver licence", "dl#", "dl no", "license number"] },
    CategoryInfo { category: C::DePostcode, name: "de_postcode", label: "DE_POSTCODE", pack: "de", severity: Low,
        validation: "five digits 01001-99998 (Deutsche Post's range); read after its label (an address's postcode is part of the address reading)",
        context: &["plz", "postleitzahl"] },
    CategoryInfo { category: C::DeDrivingLicence, name: "de_driving_licence", label: "DE_DRIVING_LICENCE", pack: "de", severity: High,
        validation: "11 characters, letters and digits, the last a digit (the issuing authority's code, serial and check character; no public check rule); read after its label",
        context: &["führerscheinnummer", "führerschein-nr", "führerschein", "fahrerlaubnis"] },
    CategoryInfo { category: C::DeHealthInsurance, name: "de_health_insurance", label: "DE_HEALTH_INSURANCE", pack: "de", severity: High,
        validation: "a letter and nine digits (the eGK's lifelong part), the last the modulo 10 check digit over the letter's alphabet position and the eight digits (weights 1-2, digit sums); read after its label",
        context: &["krankenversichertennummer", "versichertennummer", "kvnr", "krankenversicherungsnummer"] },
    CategoryInfo { category: C::DeSvnr, name: "de_svnr", label: "DE_SVNR", pack: "de", severity: High,
        validation: "12 characters: the pension insurer's area number, the birth date DDMMYY (a real date), the birth name's initial, a serial and the check digit (the initial as its alphabet position, weights 2 1 2 5 7 1 2 1 2 1 2 1, digit sums, modulo 10); read after its label",
        context: &["sozialversicherungsnummer", "rentenversicherungsnummer", "sv-nummer", "svnr", "rvnr"] },
    CategoryInfo { category: C::DeLanr, name: "de_lanr", label: "DE_LANR", pack: "de", severity: Medium,
        validation: "nine digits: a six-digit number, the KBV's check digit (10 minus the last digit of the six times 4 9 4 9 4 9), a two-digit speciality group; read after its label",
        context: &["lanr", "arztnummer", "lebenslange arztnummer"] },
    CategoryInfo { category: C::DeBsnr, name: "de_bsnr", label: "DE_BSNR", pack: "de", severity: Low,
        validation: "nine digits, the first two a Kassenärztliche Vereinigung's region code; read after its label",
        context: &["bsnr", "betriebsstättennummer"] },
    CategoryInfo { category: C::SgNric, name: "sg_nric", label: "SG_NRIC", pack: "sg", severity: High,
        validation: "S, T, F, G or M, seven digits and the check letter (digits times 2 7 6 5 4 3 2, +4 for T and G, mod 11, from JZIHGFEDCBA or XWUTRQPNMLK; the M series' letter is not checked); read after its label",
        context: &["nric", "fin", "nric no", "ic number"] },
    CategoryInfo { category: C::UsDea, name: "us_dea", label: "US_DEA", pack: "us", severity: Medium,
        validation: "a registrant-type letter (A, B, C, D, E, F, G, H, J, K, L, M, P, R, S, T, U, X), a letter or 9, and seven digits, the last the DEA's check digit (digits 1+3+5 plus twice 2+4+6, last digit); read after its label",
        context: &["dea", "dea number", "dea registration", "dea#", "medical license", "medical licence"] },
    CategoryInfo { category: C::DeTaxNumber, name: "de_tax_number", label: "DE_TAX_NUMBER", pack: "de", severity: High,
        validation: "Steuernummer in a state's own 10-11 digit format or the 13-digit nationwide format (state prefix, office, district, serial, check digit), as python-stdnum's de.stnr lists them; read after its label",
        context: &["steuernummer", "st.-nr.", "st.-nr", "stnr", "steuer-nr", "steuer-nr."] },
    CategoryInfo { category: C::TrPhone, name: "tr_phone", label: "TR_PHONE", pack: "tr", severity: Medium,
        validation: "a Turkish number (+90 or national 0 prefix) valid under libphonenumber's metadata",
        context: &["phone", "tel", "telephone", "mobile", "cell", "call", "fax", "telefon", "teléfono", "téléphone", "whatsapp", "gsm", "cep", "ara", "numara"] },
    CategoryInfo { category: C::Phone, name: "phone", label: "PHONE", pack: "global", severity: Medium,
        validation: "international (+CC) or national form for the policy's locale packs, valid under libphonenumber's metadata",
        context: &["phone", "tel", "telephone", "mobile", "cell", "call", "fax", "telefon", "teléfono", "téléphone", "whatsapp", "gsm", "ruf", "llama", "appelez"] },
    CategoryInfo { category: C::MacAddress, name: "macAddress", label: "MACADDRESS", pack: "global", severity: Low,
        validation: "six hex octets joined by : or -, or three dotted hex quads",
        context: &["mac", "hardware address", "ethernet"] },
    CategoryInfo { category: C::IpAddress, name: "ipAddress", label: "IPADDRESS", pack: "global", severity: Low,
        validation: "IPv4 dotted quad with octets 0-255 and no leading zeros; IPv6 parsed as RFC 4291 text",
        context: &["ip", "address", "host", "server", "from"] },
    CategoryInfo { category: C::Url, name: "url", label: "URL", pack: "global", severity: Low,
        validation: "http, https or ftp scheme or www. prefix, trailing punctuation trimmed",
        context: &["url", "link", "website", "site"] },
    CategoryInfo { category: C::Date, name: "date", label: "DATE", pack: "global", severity: Low,
        validation: "ISO 8601, D/M/Y, M/D/Y with a real calendar day between 1900 and 2099, or a month name (en, tr, de, es, fr) with a day and year",
        context: &["born", "birth", "dob", "date", "doğum", "geburt", "nacimiento"] },
    CategoryInfo { category: C::Person, name: "person", label: "PERSON", pack: "global", severity: Medium,
        validation: "rule layer: a title or cue phrase before capitalised words, or a Census given name (an everyday word such as Will or May needs a surname or cue); repeated and e-mail-spelled names",
        context: &[] },
    CategoryInfo { category: C::Address, name: "address", label: "ADDRESS", pack: "global", severity: Medium,
        validation: "rule layer: house number with a street type (after, before or glued to the name, by locale) or a post box, then unit, postcode, city, state, country",
        context: &[] },
    CategoryInfo { category: C::Organization, name: "organization", label: "ORGANIZATION", pack: "global", severity: Low,
        validation: "rule layer: capitalised words ending in a legal form (Inc, GmbH, S.A.S., A.Ş.) or an organization word (Bank, Hotels), opening with University/Bank of, or after \"I work for\"",
        context: &[] },
    CategoryInfo { category: C::Location, name: "location", label: "LOCATION", pack: "global", severity: Low,
        validation: "rule layer: a country, US state or city of 200,000+ people from GeoNames; off unless listed in the policy's categories",
        context: &[] },
];

/// Categories a policy gets only by listing them (an empty `categories` leaves them off).
/// Place names alone are rarely what a redaction is after, and many are also surnames; the
/// rule layer's person, address and organization readings cost more than the budget the
/// pattern engine allows them (docs/benchmarks.md), so they are opt-in until they fit it.
pub const OPT_IN: &[Category] = &[
    Category::Person,
    Category::Address,
    Category::Organization,
    Category::Location,
];

/// Recognizer packs a policy may name in `languages`.
pub const LANGUAGES: &[&str] = &[
    "global", "us", "ca", "tr", "gb", "de", "es", "in", "fr", "nl", "au", "pl", "br", "sv", "za",
    "ko", "th", "fi", "it", "ng", "fil", "sg",
];

impl Category {
    /// The catalog entry.
    pub fn info(self) -> &'static CategoryInfo {
        // The table lists every variant; `position` keeps this total without a panic path.
        let idx = CATEGORIES
            .iter()
            .position(|c| c.category == self)
            .unwrap_or(0);
        &CATEGORIES[idx]
    }

    /// Where the category sits in the tie-break order.
    pub fn rank(self) -> usize {
        CATEGORIES
            .iter()
            .position(|c| c.category == self)
            .unwrap_or(usize::MAX)
    }

    /// Wire name.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The category with this wire name.
    pub fn from_name(name: &str) -> Option<Category> {
        CATEGORIES
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.category)
    }

    /// A bit for sets of categories (the enum has fewer than 128 variants: a test checks).
    pub(crate) fn bit(self) -> u128 {
        1 << (self as u128)
    }
}

/// A set of categories.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CategorySet(u128);

impl CategorySet {
    /// Adds a category.
    pub fn insert(&mut self, c: Category) {
        self.0 |= c.bit();
    }

    /// Whether the set holds `c`.
    pub fn contains(self, c: Category) -> bool {
        self.0 & c.bit() != 0
    }

    /// Whether the set holds any of `cs`.
    pub fn any(self, cs: &[Category]) -> bool {
        cs.iter().any(|&c| self.contains(c))
    }

    /// Every category.
    pub fn all() -> Self {
        let mut s = Self::default();
        for c in CATEGORIES {
            s.insert(c.category);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete_and_consistent() {
        assert_eq!(CATEGORIES.len(), 81);
        // Sets are bits of a `u128`.
        assert!(CATEGORIES.iter().all(|c| (c.category as u32) < 128));
        for (i, info) in CATEGORIES.iter().enumerate() {
            assert_eq!(info.category.rank(), i, "{} listed twice", info.name);
            assert_eq!(Category::from_name(info.name), Some(info.category));
            assert!(LANGUAGES.contains(&info.pack), "{}", info.name);
            assert_eq!(info.label, info.name.to_ascii_uppercase(), "{}", info.name);
            assert!(info.context.iter().all(|w| *w == w.to_lowercase()));
        }
    }
}
