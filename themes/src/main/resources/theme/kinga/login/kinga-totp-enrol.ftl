<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<@layout.registrationLayout displayRequiredFields=false displayMessage=!messagesPerField.existsError('otp','userLabel'); section>
<!-- template: kinga-totp-enrol.ftl -->
    <#if section = "header">
        ${msg("kingaTotpEnrolTitle")}
    <#elseif section = "form">
        <ol id="kinga-totp-steps" class="pf-v5-c-list pf-v5-u-mb-md">
            <li><p>${msg("kingaTotpEnrolStep1")}</p></li>
            <li>
                <p>${msg("kingaTotpEnrolStep2")}</p>
                <svg id="kinga-totp-qr" class="kinga-qr" role="img" aria-labelledby="kinga-totp-qr-title"
                     xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${kingaTotp.qrSize?c} ${kingaTotp.qrSize?c}" width="220" height="220"
                     shape-rendering="crispEdges">
                    <title id="kinga-totp-qr-title">${msg("kingaTotpQrAlt")}</title>
                    <rect width="100%" height="100%" fill="#ffffff"/>
                    <path d="${kingaTotp.qrPath}" fill="#000000"/>
                </svg>
                <p>${msg("kingaTotpEnrolManual")}</p>
                <p><code id="kinga-totp-secret" class="kinga-secret">${kingaTotp.secretGroups}</code></p>
                <p class="kinga-hint" id="kinga-totp-parameters">${msg("kingaTotpParameters", kingaTotp.algorithm, kingaTotp.digits?c, kingaTotp.period?c)}</p>
                <p class="kinga-hint"><a id="kinga-totp-uri" href="${kingaTotp.otpauthUri}">${msg("kingaTotpOpenInApp")}</a></p>
            </li>
            <li><p>${msg("kingaTotpEnrolStep3", kingaTotp.digits?c)}</p></li>
        </ol>

        <form id="kinga-totp-enrol-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <@field.input name="otp" label=msg("kingaTotpCode") autocomplete="one-time-code" fieldName="otp" autofocus=true required=true />
            <@field.input name="userLabel" label=msg("kingaTotpDeviceName") fieldName="userLabel" />
            <@buttons.actionGroup>
                <@buttons.button id="kinga-totp-enrol-submit" name="save" label="kingaTotpEnrolSubmit" />
                <#if isAppInitiatedAction??>
                    <@buttons.button id="kinga-totp-enrol-cancel" name="cancel-aia" label="doCancel" type="secondary" />
                </#if>
            </@buttons.actionGroup>
        </form>
    </#if>
</@layout.registrationLayout>
