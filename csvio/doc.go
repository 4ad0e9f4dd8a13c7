// Package csvio reads and writes Groundswell's data exchange files: CSV
// files of people, organisations, commitments and observations, and the
// tables of a campaign archive. The package is pure: it touches no database;
// what exists (an indicator's slug) is asked of a function the caller
// supplies.
//
// Every file starts with a header row naming its columns. Columns may come in
// any order; names are read case-insensitively; columns a format does not know
// are ignored (Ignored lists them), so a reject file — the columns read, then
// line and reason — can be imported again once fixed. Dates are ISO 8601,
// 2026-03-31; times are RFC 3339 in UTC, 2026-03-31T09:00:00.000Z (read also
// as "2026-03-31 09:00:00", the way a spreadsheet saves them back, taken as
// UTC); booleans are true or false (yes/no, 1/0 read too); an empty cell is
// "none", false or zero. Writers can start the file with a UTF-8 byte-order
// mark for Excel (Options.BOM); readers skip one.
//
// Cells a spreadsheet would run as a formula (starting with =, +, -, @, a
// tab or a carriage return, and not a number) are written after an
// apostrophe; readers remove exactly that apostrophe, so what is exported
// imports back unchanged (see Defuse).
//
// People (NewPeopleReader, NewPeopleWriter), one row per person, keyed by
// email; email and name are required:
//
//	email,name,profession,organisation_ods_code,organisation,organisation_name,area_code,show_on_wall,contact_ok,referral_code,created_at,unsubscribed_at,confirmed
//
// organisation_ods_code and organisation name the person's organisation when
// it is one of Groundswell's list — by ODS code, or, for one without a code,
// by name; organisation_name is the organisation they typed in when theirs
// was not listed. area_code is the ONS code of their area. confirmed, written
// by an export, says they have a confirmed pledge in the campaign; imports
// ignore it.
//
// Organisations (NewOrganisationReader, NewOrganisationWriter), keyed by ODS
// code, or by name for one without a code; name and sector are required:
//
//	name,ods_code,sector,area_code
//
// Commitments (NewCommitmentReader, NewCommitmentWriter), one pledge per
// row, naming its person by email and its action by the group's slug and the
// action's title, keyed by the three; email, group, action, status and
// created_at are required:
//
//	email,group,action,action_id,status,why,hours,on_behalf,channel,invited_by,created_at,updated_at,confirmed_at,reported_at,outcome,outcome_reason,followup_on
//
// action_id is the action's id where the file was written: an archive uses
// it to name one of its own actions; a single file's import ignores it. An
// empty confirmed_at is a pledge awaiting confirmation; a file without the
// column holds confirmed pledges, confirmed when made. invited_by is the
// email of the person whose invite link was used.
//
// Observations (NewReader, NewObservationWriter), the format of groundswell
// import observations, keyed by indicator, area code and period; indicator,
// area_code, area_name, period and value are required:
//
//	indicator,area_code,area_name,period,numerator,denominator,value,synthetic
//
// Readers stream: one record at a time, keeping only the keys seen so far to
// catch a row that repeats an earlier one; a record longer than
// MaxRecordBytes ends the reading with a *RecordTooLongError rather than be
// held in memory, and a record of empty cells (",,,") is skipped. A row
// carries the columns its file names (Columns), since a column left out
// says nothing where an empty cell says "none". A bad row is a *RowError
// naming its line and every problem with it, each problem naming its
// column; reading goes on after one, so that every bad row is reported.
// docs/DATA_EXCHANGE.md describes the formats for the people who use them.
package csvio
