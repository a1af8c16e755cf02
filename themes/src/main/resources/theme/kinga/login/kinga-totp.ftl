<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#import "kinga-mfa-commons.ftl" as mfa>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('otp'); section>
<!-- template: kinga-totp.ftl -->
    <#if section = "header">
        ${msg("kingaTotpTitle")}
    <#elseif section = "form">
        <form id="kinga-totp-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <input type="hidden" name="mode" value="totp"/>
            <p id="kinga-totp-instruction">${msg("kingaTotpInstruction")}</p>
            <@field.input name="otp" label=msg("kingaTotpCode") autocomplete="one-time-code" fieldName="otp" autofocus=true required=true />
            <@mfa.trustDevice/>
            <@buttons.actionGroup>
                <@buttons.button id="kinga-totp-submit" name="login" label="doLogIn" />
            </@buttons.actionGroup>
            <#if (kingaMfa.backupCodesLeft > 0)>
                <@buttons.actionGroup>
                    <@buttons.button id="kinga-use-backup-code" name="use_backup_code" label="kingaUseBackupCode" type="link" />
                </@buttons.actionGroup>
            </#if>
        </form>
    </#if>
</@layout.registrationLayout>
